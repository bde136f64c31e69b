import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** One portal the CLI can talk to, like a kubeconfig context (server + credentials). */
export interface CliContext {
  name: string;
  /** Portal origin, e.g. `http://127.0.0.1:8080`. */
  server: string;
  /** API token (`rdk_…`, from the portal's Tokens page), sent as `Authorization: Bearer`. */
  token: string;
  /** Username the token belonged to at login, shown by `config get-contexts`. */
  user?: string;
  /** Team used when a cluster is named without `team/`; default the user's first team. */
  team?: string;
}

/** The config file's content. */
export interface CliConfig {
  currentContext?: string;
  contexts: CliContext[];
}

const contextKeys = ['name', 'server', 'token', 'user', 'team'] as const;

/**
 * The CLI's config file, `config.yaml` in `$XDG_CONFIG_HOME/raydeck` (else `~/.config/raydeck`):
 * contexts like kubeconfig's, the file mode 0600 and its folder 0700 because it holds tokens.
 * The file is YAML; what `save` writes (one `key: "json string"` per line) is read without
 * loading the YAML library, which costs ~100 ms of start-up on the project machine
 * (bench/cli-start); anything else, e.g. hand-edited YAML, goes through the library.
 */
export class CliConfigStore {
  readonly file: string;

  constructor(dir: string) {
    this.file = join(dir, 'config.yaml');
  }

  /** The folder from the environment: XDG_CONFIG_HOME, else HOME/.config. */
  static dirFromEnv(env: Readonly<Record<string, string | undefined>>): string {
    const xdg = env['XDG_CONFIG_HOME'];
    if (xdg && xdg.startsWith('/')) return join(xdg, 'raydeck');
    return join(env['HOME'] || homedir(), '.config', 'raydeck');
  }

  /**
   * Reads the file (empty config when absent). `warn` gets a line when the file is readable
   * by group or others: the token in it is a password.
   */
  async load(warn: (line: string) => void): Promise<CliConfig> {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if (isMissing(error)) return { contexts: [] };
      throw error;
    }
    const mode = statSync(this.file).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      warn(
        `warning: ${this.file} is readable by others (mode ${mode.toString(8)}); it holds API tokens: chmod 600 ${this.file}`,
      );
    }
    return readSimpleConfig(text) ?? (await readYamlConfig(text, this.file));
  }

  /** Writes the whole file atomically (temp file + rename) with mode 0600. */
  save(config: CliConfig): void {
    const dir = join(this.file, '..');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const lines = [
      '# raydeck CLI config: `raydeck login` writes it; it holds API tokens (mode 0600).',
    ];
    if (config.currentContext !== undefined)
      lines.push(`current-context: ${JSON.stringify(config.currentContext)}`);
    lines.push(config.contexts.length > 0 ? 'contexts:' : 'contexts: []');
    for (const context of config.contexts) {
      contextKeys.forEach((key, index) => {
        const value = context[key];
        if (value === undefined) return;
        lines.push(`${index === 0 ? '  - ' : '    '}${key}: ${JSON.stringify(value)}`);
      });
    }
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${lines.join('\n')}\n`, { mode: 0o600 });
    // writeFileSync's mode applies only to a new file; a leftover temp keeps its own.
    chmodSync(temp, 0o600);
    renameSync(temp, this.file);
  }
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

/** Reads the exact shape `save` writes; undefined for anything else. */
function readSimpleConfig(text: string): CliConfig | undefined {
  const config: CliConfig = { contexts: [] };
  let current: Partial<CliContext> | undefined;
  const finish = (): boolean => {
    if (!current) return true;
    if (typeof current.name !== 'string' || typeof current.server !== 'string') return false;
    if (typeof current.token !== 'string') return false;
    config.contexts.push({
      name: current.name,
      server: current.server,
      token: current.token,
      ...(current.user !== undefined ? { user: current.user } : {}),
      ...(current.team !== undefined ? { team: current.team } : {}),
    });
    return true;
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    if (line === 'contexts:' || line === 'contexts: []') continue;
    const match = /^( {2}- | {4}|)([a-z-]+): ("(?:[^"\\]|\\.)*")$/.exec(line);
    if (!match) return undefined;
    const [, indent, key, raw] = match;
    let value: unknown;
    try {
      value = JSON.parse(raw ?? '');
    } catch {
      return undefined;
    }
    if (typeof value !== 'string') return undefined;
    if (indent === '' && key === 'current-context') config.currentContext = value;
    else if (indent === '  - ' && key === 'name') {
      if (!finish()) return undefined;
      current = { name: value };
    } else if (indent === '    ' && current && isContextKey(key)) current[key] = value;
    else return undefined;
  }
  return finish() ? config : undefined;
}

function isContextKey(key: string | undefined): key is (typeof contextKeys)[number] {
  return contextKeys.some((known) => known === key);
}

/** Any YAML: checked field by field, with the file named in the error. */
async function readYamlConfig(text: string, file: string): Promise<CliConfig> {
  const { parse } = await import('yaml');
  const data: unknown = parse(text);
  const problem = (what: string) => new Error(`${file}: ${what}`);
  if (data === null || data === undefined) return { contexts: [] };
  if (typeof data !== 'object' || Array.isArray(data)) throw problem('expected a mapping');
  const current: unknown = Reflect.get(data, 'current-context');
  const list: unknown = Reflect.get(data, 'contexts') ?? [];
  if (current !== undefined && typeof current !== 'string')
    throw problem('current-context must be a string');
  if (!Array.isArray(list)) throw problem('contexts must be a list');
  const contexts = list.map((entry: unknown, index): CliContext => {
    const field = (key: string, required: boolean): string | undefined => {
      const value: unknown =
        typeof entry === 'object' && entry !== null ? Reflect.get(entry, key) : undefined;
      if (value === undefined && !required) return undefined;
      if (typeof value !== 'string') throw problem(`contexts[${index}].${key} must be a string`);
      return value;
    };
    const user = field('user', false);
    const team = field('team', false);
    return {
      name: field('name', true) ?? '',
      server: field('server', true) ?? '',
      token: field('token', true) ?? '',
      ...(user !== undefined ? { user } : {}),
      ...(team !== undefined ? { team } : {}),
    };
  });
  return { ...(current !== undefined ? { currentContext: current } : {}), contexts };
}
