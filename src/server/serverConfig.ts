import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

import { parseTeamGroups } from './auth/oidcGroupMapping.ts';
import { packageRoot } from './packageRoot.ts';

/** pino log levels accepted by `--log-level`. */
const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
type LogLevel = (typeof logLevels)[number];
/**
 * Which requests get an info line: `api` (every `/api` request; no static files, no probes),
 * `all`, or `none`.
 */
export const requestLogModes = ['api', 'all', 'none'] as const;
export type RequestLogMode = (typeof requestLogModes)[number];

/** The validated settings of `raydeck serve`. */
export interface ServerConfig {
  /** Interface to listen on. Defaults to 127.0.0.1 (loopback only). */
  host: string;
  /** TCP port; 0 picks a free one (tests). Defaults to 8080. */
  port: number;
  /** Minimum pino level written to stdout. Defaults to `info`. */
  logLevel: LogLevel;
  /** Which requests are logged, one line each. Defaults to `api`. */
  logRequests: RequestLogMode;
  /** Folder holding the built web app (`index.html`). Defaults to `dist/web` in the package. */
  webRoot: string;
  /** Folder for the SQLite store and the embedded sandbox's state. Defaults to `.raydeck`. */
  dataDir: string;
  /** Kubeconfig file to reach the cluster with; unset (and no other source) = the sandbox. */
  kubeconfig: string | undefined;
  /** Context of the kubeconfig to use; default its current context. */
  context: string | undefined;
  /**
   * Use the pod's service account: true, false, or `auto` (the default): yes inside a pod, i.e.
   * `KUBERNETES_SERVICE_HOST` is set and a token is in {@link serviceAccountDir}, unless a
   * kubeconfig or APIServer URL is given. See {@link runsInCluster}.
   */
  inCluster: boolean | 'auto';
  /** Folder of the pod's service-account `token`, `ca.crt` and `namespace`. */
  serviceAccountDir: string;
  /** KubeRay APIServer v2 URL to reach Kubernetes through, instead of the API server. */
  apiserverUrl: string | undefined;
  /** Authorization header value for the KubeRay APIServer v2 (its security proxy). Secret. */
  apiserverToken: string | undefined;
  /**
   * PostgreSQL URL of the store, shared by every replica; unset = SQLite in {@link dataDir}.
   * Holds a password: never logged.
   */
  databaseUrl: string | undefined;
  /** Namespaces to watch; unset watches every namespace. */
  namespaces: string[] | undefined;
  /** Namespace holding Raydeck's compute templates. Defaults to `raydeck`. */
  templatesNamespace: string;
  /** World file of the embedded sandbox (YAML); default the built-in lab. */
  sandboxWorld: string | undefined;
  /** How many times faster than real time the sandbox runs. Defaults to 1. */
  sandboxSpeed: number;
  /** Trust `X-Forwarded-User`/`-Groups` from a proxy at these comma-separated addresses or CIDRs. */
  trustedProxies: string[] | undefined;
  /** OIDC issuer URL; set turns on OIDC sign-in (the other `oidc*` settings). */
  oidcIssuer: URL | undefined;
  /** Client id registered at the provider. */
  oidcClientId: string | undefined;
  /** Client secret (secret); or read from {@link oidcClientSecretFile}. Unset = public client. */
  oidcClientSecret: string | undefined;
  /** File holding the client secret (a mounted Kubernetes Secret). */
  oidcClientSecretFile: string | undefined;
  /** The portal's callback URL `…/api/v1/auth/oidc/callback`, exactly as registered. */
  oidcRedirectUri: URL | undefined;
  /** Where the provider returns after logout; default `/login` beside the redirect URI. */
  oidcPostLogoutRedirectUri: URL | undefined;
  /** Scopes asked for. Defaults to `openid profile email groups`. */
  oidcScopes: string[];
  /** ID-token claim holding the username. Defaults to `preferred_username`. */
  oidcUsernameClaim: string;
  /** ID-token claim holding the groups. Defaults to `groups`. */
  oidcGroupsClaim: string;
  /** Groups whose members are admins. */
  oidcAdminGroups: string[] | undefined;
  /** `team=group,…`: groups whose members are a team's members. */
  oidcTeamGroups: string | undefined;
  /** `team=group,…`: groups whose members may only read a team. */
  oidcTeamViewerGroups: string | undefined;
  /** Whether username/password accounts may sign in (break-glass). Defaults to true. */
  localLogin: boolean;
  /** MiB of log the portal keeps per job (the newest part, compressed). Defaults to 16. */
  jobLogMaxMb: number;
  /** Days a finished job and its log are kept. Defaults to 30. */
  jobRetentionDays: number;
  /** Largest working-dir zip accepted by the package upload, MiB. Defaults to 100. */
  jobPackageMaxMb: number;
}

/** One setting: where it comes from and how it is checked. Drives the CLI flags and the README. */
export interface ServerSetting<K extends keyof ServerConfig = keyof ServerConfig> {
  key: K;
  flag: string;
  env: string;
  /** Shown in `--help` and in the README table. */
  description: string;
  /** The default as text; undefined means the setting is optional and unset by default. */
  defaultValue: () => string | undefined;
  /** Returns the typed value, or throws an Error whose message says what is wrong. */
  parse: (raw: string) => Exclude<ServerConfig[K], undefined>;
  /** Holds a credential: an invalid value is never echoed in the error. */
  secret?: true;
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
    key: 'logRequests',
    flag: '--log-requests',
    env: 'RAYDECK_LOG_REQUESTS',
    description:
      'Which requests get one info line each: `api` (API calls, not static files or probes), `all`, or `none`.',
    defaultValue: () => 'api',
    parse: (raw) => {
      const mode = requestLogModes.find((candidate) => candidate === raw);
      if (!mode) throw new Error(`must be one of ${requestLogModes.join(', ')}`);
      return mode;
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
  {
    key: 'dataDir',
    flag: '--data-dir',
    env: 'RAYDECK_DATA_DIR',
    description: 'Folder for the SQLite store and the sandbox state (created if missing).',
    defaultValue: () => '.raydeck',
    parse: (raw) => resolve(raw),
  },
  {
    key: 'databaseUrl',
    flag: '--database-url',
    env: 'RAYDECK_DATABASE_URL',
    description:
      'PostgreSQL store for several replicas: postgres://user:password@host:5432/db[?sslmode=require] (never logged). Unset: SQLite in the data dir.',
    defaultValue: () => undefined,
    parse: (raw) => {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new Error('must be a postgres:// URL');
      }
      if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
        throw new Error(`must be a postgres:// URL, not ${url.protocol}//`);
      }
      if (!url.hostname || url.pathname.length < 2) {
        throw new Error('must name a host and a database: postgres://user@host:5432/db');
      }
      return raw;
    },
    secret: true,
  },
  {
    key: 'kubeconfig',
    flag: '--kubeconfig',
    env: 'KUBECONFIG',
    description:
      'Kubeconfig of the cluster to manage (first path of a list). Unset: the embedded sandbox.',
    defaultValue: () => undefined,
    parse: (raw) => {
      const first = raw.split(delimiter)[0] ?? raw;
      if (!existsSync(first)) throw new Error(`no file at ${first}`);
      return first;
    },
  },
  {
    key: 'context',
    flag: '--context',
    env: 'RAYDECK_KUBE_CONTEXT',
    description: 'Kubeconfig context to use; default the current context.',
    defaultValue: () => undefined,
    parse: (raw) => raw,
  },
  {
    key: 'inCluster',
    flag: '--in-cluster',
    env: 'RAYDECK_IN_CLUSTER',
    description:
      "Use the pod's service account: true, false, or auto (yes when `KUBERNETES_SERVICE_HOST` is set and a token is mounted, unless a kubeconfig or APIServer URL is given).",
    defaultValue: () => 'auto',
    parse: (raw) => (raw === 'auto' ? 'auto' : parseBoolean(raw)),
  },
  {
    key: 'serviceAccountDir',
    flag: '--service-account-dir',
    env: 'RAYDECK_SERVICE_ACCOUNT_DIR',
    description: "Folder of the pod's service-account token, CA certificate and namespace.",
    defaultValue: () => defaultServiceAccountDir,
    parse: (raw) => resolve(raw),
  },
  {
    key: 'apiserverUrl',
    flag: '--apiserver-url',
    env: 'RAYDECK_APISERVER_URL',
    description: 'KubeRay APIServer v2 URL to reach Kubernetes through (e.g. http://nodeip:31888).',
    defaultValue: () => undefined,
    parse: (raw) => {
      if (!/^https?:\/\/[^\s]+$/.test(raw)) throw new Error('must be an http(s) URL');
      return raw.replace(/\/$/, '');
    },
  },
  {
    key: 'apiserverToken',
    flag: '--apiserver-token',
    env: 'RAYDECK_APISERVER_TOKEN',
    description:
      'The whole Authorization header value for the KubeRay APIServer: its security proxy’s SECURITY_TOKEN as is, or `Bearer <token>` (never logged).',
    defaultValue: () => undefined,
    parse: (raw) => raw,
    secret: true,
  },
  {
    key: 'namespaces',
    flag: '--namespaces',
    env: 'RAYDECK_NAMESPACES',
    description:
      'Comma-separated namespaces to watch. Unset: every namespace the identity can list.',
    defaultValue: () => undefined,
    parse: (raw) => {
      const names = raw
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean);
      const bad = names.find((name) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name));
      if (bad !== undefined || names.length === 0)
        throw new Error(`"${bad ?? raw}" is not a namespace name`);
      return names;
    },
  },
  {
    key: 'templatesNamespace',
    flag: '--templates-namespace',
    env: 'RAYDECK_TEMPLATES_NAMESPACE',
    description: "Namespace of Raydeck's compute-template ConfigMaps.",
    defaultValue: () => 'raydeck',
    parse: (raw) => {
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(raw)) throw new Error('must be a namespace name');
      return raw;
    },
  },
  {
    key: 'sandboxWorld',
    flag: '--sandbox-world',
    env: 'RAYDECK_SANDBOX_WORLD',
    description: 'World file (YAML) of the embedded sandbox; default the built-in GPU lab.',
    defaultValue: () => undefined,
    parse: (raw) => {
      if (!existsSync(raw)) throw new Error(`no file at ${raw}`);
      return raw;
    },
  },
  {
    key: 'sandboxSpeed',
    flag: '--sandbox-speed',
    env: 'RAYDECK_SANDBOX_SPEED',
    description: 'How many times faster than real time the sandbox runs.',
    defaultValue: () => '1',
    parse: (raw) => {
      const speed = Number(raw);
      if (!Number.isFinite(speed) || speed <= 0 || speed > 10_000)
        throw new Error('must be a number above 0 and at most 10000');
      return speed;
    },
  },
  {
    key: 'trustedProxies',
    flag: '--trusted-proxies',
    env: 'RAYDECK_TRUSTED_PROXIES',
    description:
      'Enables trusted-header sign-in (oauth2-proxy): comma-separated proxy addresses or CIDRs.',
    defaultValue: () => undefined,
    parse: (raw) =>
      raw
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
  },
  {
    key: 'oidcIssuer',
    flag: '--oidc-issuer',
    env: 'RAYDECK_OIDC_ISSUER',
    description:
      'Turns on OIDC sign-in with this issuer (discovery at /.well-known/openid-configuration); https, or http on loopback only.',
    defaultValue: () => undefined,
    parse: (raw) => parseUrl(raw, { loopbackHttp: true }),
  },
  {
    key: 'oidcClientId',
    flag: '--oidc-client-id',
    env: 'RAYDECK_OIDC_CLIENT_ID',
    description: 'OIDC client id registered at the provider.',
    defaultValue: () => undefined,
    parse: (raw) => {
      if (!/^[!-~]{1,256}$/.test(raw)) throw new Error('must be 1-256 printable characters');
      return raw;
    },
  },
  {
    key: 'oidcClientSecret',
    flag: '--oidc-client-secret',
    env: 'RAYDECK_OIDC_CLIENT_SECRET',
    description:
      'OIDC client secret (never logged); prefer --oidc-client-secret-file. Unset with no file: a public client (PKCE only).',
    defaultValue: () => undefined,
    secret: true,
    parse: (raw) => {
      if (raw.length > 4096) throw new Error('must be at most 4096 characters');
      return raw;
    },
  },
  {
    key: 'oidcClientSecretFile',
    flag: '--oidc-client-secret-file',
    env: 'RAYDECK_OIDC_CLIENT_SECRET_FILE',
    description: 'File holding the OIDC client secret (the deploy kit mounts a Secret there).',
    defaultValue: () => undefined,
    parse: (raw) => resolve(raw),
  },
  {
    key: 'oidcRedirectUri',
    flag: '--oidc-redirect-uri',
    env: 'RAYDECK_OIDC_REDIRECT_URI',
    description:
      'The portal callback URL registered at the provider, https://<portal>/api/v1/auth/oidc/callback; the only one ever sent.',
    defaultValue: () => undefined,
    parse: (raw) => {
      const url = parseUrl(raw, { loopbackHttp: true });
      if (url.pathname !== '/api/v1/auth/oidc/callback' || url.search || url.hash)
        throw new Error('must end in /api/v1/auth/oidc/callback, with no query');
      return url;
    },
  },
  {
    key: 'oidcPostLogoutRedirectUri',
    flag: '--oidc-post-logout-redirect-uri',
    env: 'RAYDECK_OIDC_POST_LOGOUT_REDIRECT_URI',
    description:
      'Where the provider sends the browser after logout (register it there); default /login of the redirect URI origin.',
    defaultValue: () => undefined,
    parse: (raw) => parseUrl(raw, { loopbackHttp: true }),
  },
  {
    key: 'oidcScopes',
    flag: '--oidc-scopes',
    env: 'RAYDECK_OIDC_SCOPES',
    description: 'Space- or comma-separated scopes to ask for (openid is always added).',
    defaultValue: () => 'openid profile email groups',
    parse: (raw) => {
      const scopes = raw.split(/[\s,]+/).filter(Boolean);
      if (scopes.some((scope) => !/^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/.test(scope)))
        throw new Error('each scope must be printable ASCII without quotes or backslashes');
      return scopes;
    },
  },
  {
    key: 'oidcUsernameClaim',
    flag: '--oidc-username-claim',
    env: 'RAYDECK_OIDC_USERNAME_CLAIM',
    description: 'ID-token claim used as the username (e.g. preferred_username, email).',
    defaultValue: () => 'preferred_username',
    parse: parseClaimName,
  },
  {
    key: 'oidcGroupsClaim',
    flag: '--oidc-groups-claim',
    env: 'RAYDECK_OIDC_GROUPS_CLAIM',
    description: 'ID-token claim holding the groups (array of strings).',
    defaultValue: () => 'groups',
    parse: parseClaimName,
  },
  {
    key: 'oidcAdminGroups',
    flag: '--oidc-admin-groups',
    env: 'RAYDECK_OIDC_ADMIN_GROUPS',
    description: 'Comma-separated groups whose members are Raydeck admins.',
    defaultValue: () => undefined,
    parse: (raw) => {
      const groups = raw
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean);
      if (groups.some((group) => /[\s=]/.test(group)))
        throw new Error('groups have no spaces or =');
      return groups;
    },
  },
  {
    key: 'oidcTeamGroups',
    flag: '--oidc-team-groups',
    env: 'RAYDECK_OIDC_TEAM_GROUPS',
    description:
      'Team members by group: team=group pairs, comma-separated (repeat a team for more groups), e.g. team-a=ml-team-a,team-b=ml-team-b.',
    defaultValue: () => undefined,
    parse: (raw) => {
      parseTeamGroups(raw);
      return raw;
    },
  },
  {
    key: 'oidcTeamViewerGroups',
    flag: '--oidc-team-viewer-groups',
    env: 'RAYDECK_OIDC_TEAM_VIEWER_GROUPS',
    description: 'Read-only team access by group, same team=group format.',
    defaultValue: () => undefined,
    parse: (raw) => {
      parseTeamGroups(raw);
      return raw;
    },
  },
  {
    key: 'localLogin',
    flag: '--local-login',
    env: 'RAYDECK_LOCAL_LOGIN',
    description:
      'Whether username/password accounts may sign in (keep for break-glass; false with OIDC or a proxy only).',
    defaultValue: () => 'true',
    parse: parseBoolean,
  },
  {
    key: 'jobLogMaxMb',
    flag: '--job-log-max-mb',
    env: 'RAYDECK_JOB_LOG_MAX_MB',
    description: 'MiB of log kept per job (the newest part, compressed in the store).',
    defaultValue: () => '16',
    parse: (raw) => parseBoundedNumber(raw, 0.01, 1024),
  },
  {
    key: 'jobRetentionDays',
    flag: '--job-retention-days',
    env: 'RAYDECK_JOB_RETENTION_DAYS',
    description: 'Days a finished job and its stored log are kept.',
    defaultValue: () => '30',
    parse: (raw) => parseBoundedNumber(raw, 1, 3650),
  },
  {
    key: 'jobPackageMaxMb',
    flag: '--job-package-max-mb',
    env: 'RAYDECK_JOB_PACKAGE_MAX_MB',
    description: 'Largest working-dir zip a job upload may send to a Ray head, MiB.',
    defaultValue: () => '100',
    parse: (raw) => parseBoundedNumber(raw, 1, 500),
  },
];

/** A number from `min` to `max`. */
function parseBoundedNumber(raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new Error(`must be a number from ${min} to ${max}`);
  }
  return value;
}

/** An absolute URL: https, or http only to a loopback host when `loopbackHttp`. */
function parseUrl(raw: string, options: { loopbackHttp: boolean }): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('must be an absolute URL');
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(options.loopbackHttp && url.protocol === 'http:' && loopback))
    throw new Error('must be https (http only to 127.0.0.1, localhost or [::1])');
  if (url.username || url.password) throw new Error('must not hold credentials');
  return url;
}

function parseClaimName(raw: string): string {
  if (!/^[A-Za-z0-9_:./-]{1,128}$/.test(raw)) throw new Error('must be a claim name');
  return raw;
}

/** Where Kubernetes mounts a pod's service-account credentials. */
export const defaultServiceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Whether the portal reaches Kubernetes as its pod's service account: as configured, or with
 * `auto` when it runs in a pod (the kubelet sets `KUBERNETES_SERVICE_HOST` and mounts a token)
 * and no kubeconfig or APIServer URL says otherwise. Without this a deployed portal started
 * its own embedded sandbox.
 */
export function runsInCluster(
  config: Pick<ServerConfig, 'inCluster' | 'serviceAccountDir' | 'kubeconfig' | 'apiserverUrl'>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  if (config.inCluster !== 'auto') return config.inCluster;
  if (config.kubeconfig || config.apiserverUrl) return false;
  return (
    Boolean(env['KUBERNETES_SERVICE_HOST']) && existsSync(join(config.serviceAccountDir, 'token'))
  );
}

function parseBoolean(raw: string): boolean {
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new Error('must be true or false');
}

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
    if (raw === undefined) {
      config[setting.key] = undefined;
      continue;
    }
    try {
      config[setting.key] = setting.parse(raw);
    } catch (error) {
      problems.push(
        `${origin}: ${error instanceof Error ? error.message : String(error)}${setting.secret ? '' : ` (got ${JSON.stringify(raw)})`}`,
      );
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as ServerConfig;
}
