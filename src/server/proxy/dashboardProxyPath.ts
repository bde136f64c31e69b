/**
 * What the portal may forward to a cluster's Ray dashboard, decided before any upstream call.
 *
 * The proxy is reached as `/api/v1/clusters/{team}/{name}/dashboard/{rest}`. `rest` is never
 * taken from Fastify's decoded wildcard: it is cut from the raw request URL after the literal
 * prefix, split into segments, and every segment must be plain path characters (no `%`, so no
 * encoded slash, dot or double encoding; no backslash; no `.`/`..`; no empty segment except a
 * trailing slash). The joined path must then match one of the Ray dashboard's own routes in
 * {@link dashboardRoutes}, with its methods. Anything else is refused with 400 (bad path) or 403
 * (a path Ray has, but not one the portal forwards). A real API server's service proxy would
 * also normalise paths; we refuse first so it never has to.
 * @see kuberay-api.md §Ray Jobs API and §Dashboard HTTP routes
 */

/** A dashboard route the portal forwards: a path pattern and the methods allowed on it. */
export interface DashboardRoute {
  /** What the route is, for audit entries and errors. */
  name: string;
  /** Anchored pattern over the upstream path (starting with `/`, without the query string). */
  pattern: RegExp;
  methods: readonly string[];
  /** Largest request body in bytes; only mutating methods have bodies. */
  maxBodyBytes: number;
}

/** 1 MiB: JSON bodies of the Jobs and Serve APIs (Fastify's own default body limit). */
export const jsonBodyLimitBytes = 1024 * 1024;
/**
 * 100 MiB: a `working_dir` / `py_modules` package uploaded by `ray job submit` (Ray refuses
 * packages over 100 MiB by default, `RAY_max_grpc_message_size`/GCS package size limit).
 */
export const packageBodyLimitBytes = 100 * 1024 * 1024;
/** Longest request path the proxy looks at, in characters; longer paths are refused. */
export const maxProxyPathLength = 1024;

const read = ['GET', 'HEAD'] as const;
/**
 * One segment of a Ray id or file name: `raysubmit_AbC123`, `main.4f2a.js`, `_ray_pkg_x.zip`.
 * It cannot start with a dot, so `.` and `..` never match.
 */
const segment = '[A-Za-z0-9_~-][A-Za-z0-9_.~-]*';
const plainSegment = new RegExp(`^${segment}$`);

/**
 * The Ray dashboard routes the portal forwards (allow-list). Everything a job, Serve or
 * log workflow needs, the dashboard UI's static files and read-only state API; nothing else.
 */
export const dashboardRoutes: readonly DashboardRoute[] = [
  route('dashboard UI', '/', read),
  route('dashboard UI asset', `/(static|fonts)(/${segment})+`, read),
  route('dashboard UI asset', '/(favicon\\.ico|logo\\.svg|manifest\\.json)', read),
  route('Ray version', '/api/version', read),
  route('health', '/api/gcs_healthz', read),
  route('jobs', '/api/jobs/?', [...read, 'POST']),
  route('job', `/api/jobs/${segment}`, [...read, 'DELETE']),
  route('job stop', `/api/jobs/${segment}/stop`, ['POST']),
  route('job logs', `/api/jobs/${segment}/logs(/tail)?`, read),
  route('package', `/api/packages/(gcs|s3|gs|https)/${segment}`, [...read, 'PUT']),
  route('serve applications', '/api/serve/applications/?', [...read, 'PUT', 'DELETE']),
  route('cluster status', '/api/cluster_status', read),
  route('component activities', '/api/component_activities', read),
  route('state API', `/api/v0/${segment}(/${segment})*`, read),
];

function route(name: string, path: string, methods: readonly string[]): DashboardRoute {
  const mutating = methods.some((method) => !read.some((reading) => reading === method));
  return {
    name,
    pattern: new RegExp(`^${path}$`),
    methods,
    maxBodyBytes: !mutating
      ? 0
      : path.startsWith('/api/packages')
        ? packageBodyLimitBytes
        : jsonBodyLimitBytes,
  };
}

/** The outcome of {@link resolveDashboardPath}. */
export type DashboardPathResult =
  | { ok: true; upstreamPath: string; query: string; route: DashboardRoute }
  | { ok: false; status: 400 | 403 | 405 | 414; reason: string; message: string };

/**
 * Resolves the raw request URL of a proxy call for the cluster `team/name` into the upstream
 * path on that cluster's dashboard, or says why it is refused.
 * @param rawUrl - the request line's URL exactly as received, e.g.
 *   `/api/v1/clusters/team-a/a1/dashboard/api/jobs/?limit=5`
 */
export function resolveDashboardPath(
  rawUrl: string,
  team: string,
  name: string,
  method: string,
): DashboardPathResult {
  const queryAt = rawUrl.indexOf('?');
  const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const query = queryAt === -1 ? '' : rawUrl.slice(queryAt);
  if (path.length > maxProxyPathLength) {
    return refuse(
      414,
      'PathTooLong',
      `the dashboard path is longer than ${maxProxyPathLength} characters`,
    );
  }
  const prefix = `/api/v1/clusters/${team}/${name}/dashboard`;
  if (!path.startsWith(`${prefix}/`) && path !== prefix) {
    return refuse(
      400,
      'InvalidPath',
      'the cluster part of the dashboard path must be written plainly, without encoding',
    );
  }
  const rest = path.slice(prefix.length) || '/';
  const segments = rest.slice(1).split('/');
  for (const [index, part] of segments.entries()) {
    const last = index === segments.length - 1;
    if (part === '' && last) continue;
    if (!plainSegment.test(part)) {
      return refuse(
        400,
        'InvalidPath',
        `dashboard path segment ${index + 1} is not allowed: only letters, digits and "_.~-" (no encoding, no "." or ".." segments, no empty segments)`,
      );
    }
  }
  const matching = dashboardRoutes.filter((candidate) => candidate.pattern.test(rest));
  if (matching.length === 0) {
    return refuse(
      403,
      'PathNotProxied',
      `the portal does not forward ${rest} to the Ray dashboard`,
    );
  }
  const allowed = matching.find((candidate) => candidate.methods.includes(method));
  if (!allowed) {
    return refuse(
      405,
      'MethodNotProxied',
      `the portal does not forward ${method} ${rest} to the Ray dashboard`,
    );
  }
  return { ok: true, upstreamPath: rest, query, route: allowed };
}

function refuse(
  status: 400 | 403 | 405 | 414,
  reason: string,
  message: string,
): DashboardPathResult {
  return { ok: false, status, reason, message };
}

/**
 * Request headers forwarded to a Ray dashboard (allow-list, lower case). Credentials
 * (`authorization`, `cookie`), impersonation (`impersonate-*`), forwarded tokens and the
 * browser's fetch-metadata headers (on which Ray refuses POST/PUT as browser requests) never
 * reach upstream; the portal adds `x-raydeck-user` and its own user agent.
 */
export const forwardedRequestHeaders: ReadonlySet<string> = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'content-type',
  'content-encoding',
  'if-none-match',
  'if-modified-since',
  'range',
]);

/**
 * Response headers passed back from a Ray dashboard (allow-list, lower case). No `set-cookie`
 * (a cluster must not set cookies on the portal's origin), no `location` (no redirects off the
 * proxy), no CORS or security headers (the portal sets its own).
 */
export const returnedResponseHeaders: ReadonlySet<string> = new Set([
  'content-type',
  'content-length',
  'content-encoding',
  'content-disposition',
  'cache-control',
  'etag',
  'last-modified',
  'accept-ranges',
  'content-range',
]);

/**
 * The Content-Security-Policy of proxied dashboard answers, in place of the portal's own. Ray's
 * dashboard UI is a create-react-app build that may inline its runtime chunk and uses inline
 * styles, so scripts and styles may be inline here; everything else stays on this origin, and
 * only the portal itself may frame a dashboard. What this cannot stop (a head serving its own
 * script files) is ADR 0011's same-origin risk.
 */
export const dashboardContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');
