import { type ApiClient, createApiClient } from '../shared/client/apiClient.ts';
import { type CliConfig, CliConfigStore, type CliContext } from './CliConfigStore.ts';
import type { CliIo } from './CliIo.ts';
import { CliError, exitCodes } from './exitCodes.ts';
import { nodeHttpFetch } from './nodeHttpFetch.ts';

/** Options every verb accepts (set on the program, before or after the verb). */
export interface GlobalOptions {
  context?: string;
  server?: string;
}

/** ANSI colours the CLI uses; empty strings when colour is off. */
type Colour = 'green' | 'yellow' | 'red' | 'bold' | 'dim';
const ansi: Readonly<Record<Colour, string>> = {
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  red: '\u001b[31m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
};

/**
 * What a verb needs: the injected I/O, the config store, the connected client for the chosen
 * context, and output helpers that follow the TTY/NO_COLOR rules.
 */
export class CliRuntime {
  readonly io: CliIo;
  readonly store: CliConfigStore;
  /** The injected fetch, else {@link nodeHttpFetch} (not the global one: see there). */
  readonly fetch: typeof fetch;
  /** The program-level options (`--context`, `--server`), parsed before the verb runs. */
  readonly globals: () => GlobalOptions;

  constructor(io: CliIo, globals: () => GlobalOptions) {
    this.io = io;
    this.store = new CliConfigStore(io.configDir ?? CliConfigStore.dirFromEnv(io.env));
    this.globals = globals;
    this.fetch = io.fetch ?? nodeHttpFetch;
  }

  out(text: string): void {
    this.io.stdout.write(text);
  }

  err(text: string): void {
    this.io.stderr.write(text);
  }

  /** Colour only on a TTY, and never when NO_COLOR is set (to anything, per no-color.org). */
  paint(text: string, colour: Colour): string {
    if (!this.io.stdout.isTTY || this.io.env['NO_COLOR'] !== undefined) return text;
    return `${ansi[colour]}${text}\u001b[0m`;
  }

  loadConfig(): Promise<CliConfig> {
    return this.store.load((line) => this.err(`${line}\n`));
  }

  /**
   * The context to use: `--context`, else the file's current context. `RAYDECK_URL` and
   * `RAYDECK_TOKEN` (CI, scripts) replace the file's server and token; `--server` the server.
   */
  async context(): Promise<CliContext> {
    const globals = this.globals();
    const config = await this.loadConfig();
    const wanted = globals.context ?? config.currentContext;
    const fromFile = config.contexts.find((context) => context.name === wanted);
    if (globals.context && !fromFile)
      throw new CliError(
        `no context "${globals.context}" in ${this.store.file} (raydeck config get-contexts)`,
        exitCodes.usage,
      );
    const server = globals.server ?? this.io.env['RAYDECK_URL'] ?? fromFile?.server;
    const token = this.io.env['RAYDECK_TOKEN'] ?? fromFile?.token;
    if (!server || !token)
      throw new CliError(
        "not signed in: run `raydeck login --server <portal URL>` with an API token from the portal's Tokens page (or set RAYDECK_URL and RAYDECK_TOKEN)",
        exitCodes.auth,
      );
    return { ...fromFile, name: fromFile?.name ?? 'env', server: trimSlash(server), token };
  }

  /** A typed REST client for the chosen context. */
  async client(): Promise<{ client: ApiClient; context: CliContext }> {
    const context = await this.context();
    return { client: this.clientFor(context.server, context.token), context };
  }

  clientFor(server: string, token: string): ApiClient {
    return createApiClient({
      baseUrl: trimSlash(server),
      token,
      fetch: this.fetch,
    });
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
