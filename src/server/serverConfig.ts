import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { packageRoot } from './packageRoot.ts';

/** pino log levels accepted by `--log-level`. */
const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
type LogLevel = (typeof logLevels)[number];

/** The validated settings of `raydeck serve`. */
export interface ServerConfig {
  /** Interface to listen on. Defaults to 127.0.0.1 (loopback only). */
  host: string;
  /** TCP port; 0 picks a free one (tests). Defaults to 8080. */
  port: number;
  /** Minimum pino level written to stdout. Defaults to `info`. */
  logLevel: LogLevel;
  /** Folder holding the built web app (`index.html`). Defaults to `dist/web` in the package. */
  webRoot: string;
}

/** One setting: where it comes from and how it is checked. Drives the CLI flags and the README. */
export interface ServerSetting<K extends keyof ServerConfig = keyof ServerConfig> {
  key: K;
  flag: string;
  env: string;
  /** Shown in `--help` and in the README table. */
  description: string;
  defaultValue: () => string;
  /** Returns the typed value, or throws an Error whose message says what is wrong. */
  parse: (raw: string) => ServerConfig[K];
}

const defaultWebRoot = (): string => join(packageRoot, 'dist', 'web');

/**
 * Every setting of the portal server, in README order. Precedence: flag, then environment
 * variable, then default.
 */
export const serverSettings: readonly ServerSetting[] = [
  {
    key: 'host',
    flag: '--host',
    env: 'RAYDECK_HOST',
    description: 'Interface the portal listens on; use 0.0.0.0 to serve the LAN.',
    defaultValue: () => '127.0.0.1',
    parse: (raw) => {
      if (!/^[\w.:-]+$/.test(raw)) throw new Error(`must be a host name or IP address`);
      return raw;
    },
  },
  {
    key: 'port',
    flag: '--port',
    env: 'RAYDECK_PORT',
    description: 'TCP port of the portal; 0 picks a free port.',
    defaultValue: () => '8080',
    parse: (raw) => {
      const port = Number(raw);
      if (!/^\d+$/.test(raw) || port > 65535) throw new Error('must be an integer from 0 to 65535');
      return port;
    },
  },
  {
    key: 'logLevel',
    flag: '--log-level',
    env: 'RAYDECK_LOG_LEVEL',
    description: `Minimum level of the JSON logs on stdout: ${logLevels.join(', ')}.`,
    defaultValue: () => 'info',
    parse: (raw) => {
      const level = logLevels.find((candidate) => candidate === raw);
      if (!level) throw new Error(`must be one of ${logLevels.join(', ')}`);
      return level;
    },
  },
  {
    key: 'webRoot',
    flag: '--web-root',
    env: 'RAYDECK_WEB_ROOT',
    description: 'Folder with the built web app (`npm run build` writes `dist/web`).',
    defaultValue: defaultWebRoot,
    parse: (raw) => {
      if (!existsSync(`${raw}/index.html`)) {
        throw new Error(`has no index.html at ${raw}; run \`npm run build\` first`);
      }
      return raw;
    },
  },
];

/** A setting failed validation; the message names the flag and the environment variable. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Inputs to {@link loadServerConfig}: flag values keyed by setting key, and the environment. */
export interface ServerConfigSources {
  flags?: Partial<Record<keyof ServerConfig, string | undefined>>;
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Resolves and validates every setting. Reports all problems at once, each naming where the
 * value came from, so one run shows everything that needs fixing.
 * @throws ConfigError when any setting is invalid
 */
export function loadServerConfig(sources: ServerConfigSources = {}): ServerConfig {
  const config: Partial<Record<keyof ServerConfig, unknown>> = {};
  const problems: string[] = [];
  for (const setting of serverSettings) {
    const fromFlag = sources.flags?.[setting.key];
    const fromEnv = sources.env?.[setting.env];
    const [raw, origin] =
      fromFlag !== undefined
        ? [fromFlag, setting.flag]
        : fromEnv !== undefined && fromEnv !== ''
          ? [fromEnv, setting.env]
          : [setting.defaultValue(), `default of ${setting.flag}`];
    try {
      config[setting.key] = setting.parse(raw);
    } catch (error) {
      problems.push(`${origin}: ${(error as Error).message} (got ${JSON.stringify(raw)})`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as ServerConfig;
}
