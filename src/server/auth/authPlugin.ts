import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';

import { usernamePattern as usernameSource, type UserRole } from '../../shared/api/authSchemas.ts';
import { isReservedUsername } from '../../shared/api/isReservedUsername.ts';
import { auditFromRequest } from '../audit/auditFromRequest.ts';
import { AuditLog } from '../audit/AuditLog.ts';
import { type ApiErrorInput, sendApiError } from '../sendApiError.ts';
import type { Database } from '../store/database.ts';
import { addressMatcher, loopbackAddresses } from './addressMatcher.ts';
import { apiTokenPrefix, ApiTokenStore } from './ApiTokenStore.ts';
import type { AuthenticatedUser } from './authorize.ts';
import { LoginThrottle, type LoginThrottleOptions } from './LoginThrottle.ts';
import { secretsEqual } from './randomSecret.ts';
import { clearSessionCookie, sessionCookieName, setSessionCookie } from './sessionCookie.ts';
import { SessionRevocations } from './SessionRevocations.ts';
import { type ActiveSession, SessionStore } from './SessionStore.ts';
import { TeamStore } from './TeamStore.ts';
import { UserStore } from './UserStore.ts';

/**
 * Trusted-header mode, for running behind an authenticating proxy such as oauth2-proxy. Off
 * unless `enabled`. Identity headers are believed only from `trustedProxies`; from any other
 * peer they are ignored, so a client cannot claim to be someone by sending the header itself.
 */
export interface TrustedHeadersOptions {
  enabled: boolean;
  /** Header naming the user. Defaults to `x-forwarded-user` (oauth2-proxy's). */
  userHeader?: string;
  /** Comma-separated groups; those equal to a team name grant membership. Defaults to `x-forwarded-groups`. */
  groupsHeader?: string;
  /** Peer addresses or CIDR ranges of the proxy. Defaults to loopback (`127.0.0.0/8`, `::1`). */
  trustedProxies?: readonly string[];
}

/** Options of {@link authPlugin}. */
export interface AuthPluginOptions {
  db: Kysely<Database>;
  /** The audit log to write to; defaults to one over `db`. */
  auditLog?: AuditLog;
  /** Off by default. */
  trustedHeaders?: TrustedHeadersOptions;
  /** Idle lifetime of a browser session in seconds (sliding). Defaults to 12 h. */
  sessionTtlSeconds?: number;
  /**
   * Route paths under `/api/v1` that need no authentication. Defaults to
   * {@link defaultPublicPaths}.
   */
  publicPaths?: readonly string[];
  /**
   * Failed-login brake. Defaults to 10 failures per username and address, and 50 per address
   * across usernames, per 15 minutes.
   */
  loginThrottle?: LoginThrottleOptions;
  /** Whether username/password sign-in is allowed (break-glass). Defaults to true. */
  localLogin?: boolean;
}

/** What auth routes share, available as `app.authServices` once {@link authPlugin} is registered. */
export interface AuthServices {
  db: Kysely<Database>;
  users: UserStore;
  teams: TeamStore;
  sessions: SessionStore;
  tokens: ApiTokenStore;
  auditLog: AuditLog;
  loginThrottle: LoginThrottle;
  /** Announce here whatever ends a session or token or changes a user's role or teams. */
  revocations: SessionRevocations;
  /** False when `--local-login false`: `POST /api/v1/auth/login` refuses everyone. */
  localLogin: boolean;
}

/**
 * The credential a request was authenticated with, kept so that a long-lived connection can
 * re-resolve its caller later (see `watchCaller`).
 */
export type AuthCredential =
  | { via: 'session'; sessionId: string }
  | { via: 'token'; tokenId: string }
  /** `groups`: the proxy's group header values, matched against teams again on re-resolve. */
  | { via: 'header'; groups: readonly string[] };

declare module 'fastify' {
  interface FastifyInstance {
    /** Stores and helpers of the auth routes (set by `authPlugin`). */
    authServices: AuthServices;
    /** The audit log (set by `authPlugin`); record every mutation with it. */
    auditLog: AuditLog;
  }
  interface FastifyRequest {
    /** Who is calling; null when unauthenticated. Set by `authPlugin` before any route runs. */
    user: AuthenticatedUser | null;
    /** The browser session behind the request (cookie), or null. */
    authSession: ActiveSession | null;
    /** What `user` was resolved from, or null when unauthenticated. */
    authCredential: AuthCredential | null;
  }
}

/** `/api/v1` routes anyone may call: signing in (locally or through OIDC) and the version. */
export const defaultPublicPaths: readonly string[] = [
  '/api/v1/auth/login',
  '/api/v1/auth/methods',
  '/api/v1/auth/oidc/login',
  '/api/v1/auth/oidc/callback',
  '/api/v1/version',
];

/** Paths whose mutations need no CSRF token: signing in creates the session that has one. */
const csrfExemptPaths = new Set(['/api/v1/auth/login']);

const mutatingMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** True for methods that change state (POST, PUT, PATCH, DELETE). */
export function isMutation(method: string): boolean {
  return mutatingMethods.has(method.toUpperCase());
}

const usernamePattern = new RegExp(usernameSource);

/**
 * Resolves `request.user` for every request, from (in this order) an API token (`Authorization:
 * Bearer rdk_…`), a trusted proxy's identity headers, or the session cookie. Then:
 * - a mutation authenticated by cookie (session or proxy) must carry `x-csrf-token` equal to its
 *   session's token, else 403 `CsrfTokenMissing` / `CsrfTokenInvalid` (API tokens are exempt:
 *   browsers never attach them by themselves);
 * - an unauthenticated request to `/api/v1/…` other than the public paths gets 401
 *   `Unauthenticated`.
 *
 * Registered without encapsulation (like fastify-plugin), so its hooks and decorators reach
 * every route of the app; register it before the routes.
 */
export const authPlugin = Object.assign(
  async function authPlugin(app: FastifyInstance, options: AuthPluginOptions): Promise<void> {
    if (!app.hasRequestDecorator('cookies')) await app.register(fastifyCookie);
    const services = createAuthServices(options);
    app.decorate('authServices', services);
    if (!app.hasDecorator('auditLog')) app.decorate('auditLog', services.auditLog);
    app.decorateRequest('user', null);
    app.decorateRequest('authSession', null);
    app.decorateRequest('authCredential', null);

    const headerMode = trustedHeaderMode(options.trustedHeaders);
    const publicPaths = new Set(options.publicPaths ?? defaultPublicPaths);

    app.addHook('onRequest', async (request, reply) => {
      const failure = await identify(request, reply, services, headerMode);
      if (failure) return sendApiError(reply, failure);
      const path = routePath(request);

      if (request.user && isMutation(request.method) && !csrfExemptPaths.has(path)) {
        const csrfFailure = checkCsrf(request);
        if (csrfFailure) {
          await recordDenied(request, csrfFailure.reason);
          return sendApiError(reply, csrfFailure);
        }
      }

      const isApi = path === '/api/v1' || path.startsWith('/api/v1/');
      if (!request.user && isApi && !publicPaths.has(path)) return sendUnauthenticated(reply);
      return undefined;
    });
  },
  { [Symbol.for('skip-override')]: true },
);

/**
 * preHandler for routes outside `/api/v1` (or for clarity on any route): 401 unless signed in.
 */
export async function requireUser(
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  return request.user ? undefined : sendUnauthenticated(reply);
}

const roleRank: Record<UserRole, number> = { viewer: 0, member: 1, admin: 2 };

/**
 * preHandler allowing users whose role is at least `role` (viewer < member < admin): 401 when
 * not signed in, 403 `Forbidden` otherwise. Refused mutations are audited as `denied`.
 */
export function requireRole(
  role: UserRole,
): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  return async (request, reply) => {
    const user = request.user;
    if (!user) return sendUnauthenticated(reply);
    if (roleRank[user.role] >= roleRank[role]) return undefined;
    if (isMutation(request.method)) await recordDenied(request, `requires role ${role}`);
    return sendApiError(reply, {
      status: 403,
      reason: 'Forbidden',
      message: `This needs the ${role} role; you are ${user.role}.`,
    });
  };
}

function createAuthServices(options: AuthPluginOptions): AuthServices {
  const { db } = options;
  return {
    db,
    users: new UserStore(db),
    teams: new TeamStore(db),
    sessions: new SessionStore(db, { ttlSeconds: options.sessionTtlSeconds }),
    tokens: new ApiTokenStore(db),
    auditLog: options.auditLog ?? new AuditLog(db),
    loginThrottle: new LoginThrottle(options.loginThrottle),
    revocations: new SessionRevocations(),
    localLogin: options.localLogin ?? true,
  };
}

interface HeaderMode {
  userHeader: string;
  groupsHeader: string;
  isTrusted: (address: string | undefined) => boolean;
}

function trustedHeaderMode(options: TrustedHeadersOptions | undefined): HeaderMode | null {
  if (!options?.enabled) return null;
  return {
    userHeader: (options.userHeader ?? 'x-forwarded-user').toLowerCase(),
    groupsHeader: (options.groupsHeader ?? 'x-forwarded-groups').toLowerCase(),
    isTrusted: addressMatcher(options.trustedProxies ?? loopbackAddresses),
  };
}

/** The matched route's pattern (not the raw URL, so encodings cannot dodge checks). */
function routePath(request: FastifyRequest): string {
  return request.routeOptions.url ?? request.url.split('?')[0] ?? '/';
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  const trimmed = first?.trim();
  return trimmed ? trimmed : undefined;
}

/** Sets `request.user` (and `authSession`); returns the error to send when credentials are bad. */
async function identify(
  request: FastifyRequest,
  reply: FastifyReply,
  services: AuthServices,
  headerMode: HeaderMode | null,
): Promise<ApiErrorInput | undefined> {
  const fromTrustedProxy = headerMode?.isTrusted(request.socket.remoteAddress) ?? false;
  const proxyUser = headerMode ? headerValue(request, headerMode.userHeader) : undefined;
  if (headerMode && proxyUser && !fromTrustedProxy) {
    request.log.warn(
      { peer: request.socket.remoteAddress, header: headerMode.userHeader },
      'ignoring identity header from a peer that is not a trusted proxy',
    );
  }

  const bearer = /^Bearer\s+(\S+)$/i.exec(headerValue(request, 'authorization') ?? '')?.[1];
  // Behind a trusted proxy, a non-Raydeck bearer token is the proxy's own (e.g. an ID token).
  if (bearer && (bearer.startsWith(apiTokenPrefix) || !fromTrustedProxy)) {
    const token = await services.tokens.resolve(bearer);
    const user = token ? await services.users.authenticated(token.userId, 'token') : null;
    if (!user) {
      reply.header('www-authenticate', 'Bearer realm="raydeck"');
      return {
        status: 401,
        reason: 'InvalidToken',
        message: 'The API token is invalid, expired or revoked.',
      };
    }
    request.user = user;
    if (token) request.authCredential = { via: 'token', tokenId: token.id };
    return undefined;
  }

  const cookieToken = request.cookies[sessionCookieName];
  const resolved = cookieToken ? await services.sessions.resolve(cookieToken) : null;
  if (cookieToken && !resolved) clearSessionCookie(reply);

  if (headerMode && proxyUser && fromTrustedProxy) {
    const identity = await proxyIdentity(request, services, headerMode, proxyUser);
    if ('status' in identity) return identity;
    const { user, groups } = identity;
    request.user = user;
    request.authCredential = { via: 'header', groups };
    // The session only carries the CSRF token here; it must belong to the same person.
    if (resolved && cookieToken && resolved.session.userId === user.id) {
      request.authSession = resolved.session;
      if (resolved.touched) setSessionCookie(reply, cookieToken, services.sessions.ttlSeconds);
    }
    return undefined;
  }

  if (resolved && cookieToken) {
    const user = await services.users.authenticated(resolved.session.userId, 'session');
    if (!user) {
      await services.sessions.delete(resolved.session.id);
      services.revocations.emit({ kind: 'session', sessionId: resolved.session.id });
      clearSessionCookie(reply);
      return undefined;
    }
    if (resolved.touched) setSessionCookie(reply, cookieToken, services.sessions.ttlSeconds);
    request.user = user;
    request.authSession = resolved.session;
    request.authCredential = { via: 'session', sessionId: resolved.session.id };
  }
  return undefined;
}

/** The user a trusted proxy names (with the groups it sent), provisioned as a member on first sight. */
async function proxyIdentity(
  request: FastifyRequest,
  services: AuthServices,
  headerMode: HeaderMode,
  username: string,
): Promise<{ user: AuthenticatedUser; groups: string[] } | ApiErrorInput> {
  // Reserved names are the audit log's own actors; an SSO account must not become one.
  if (username.length > 128 || !usernamePattern.test(username) || isReservedUsername(username)) {
    return {
      status: 401,
      reason: 'InvalidIdentityHeader',
      message: `The ${headerMode.userHeader} header does not hold a valid username.`,
    };
  }
  // Found by the proxy's identity key, never by name alone: a proxy user called `admin` is not
  // the local `admin` (ADR 0014). Passwordless accounts from before the key existed are adopted.
  const provisioned = await services.users.provisionExternal(
    `header:${username.toLowerCase()}`,
    { username, displayName: username, role: 'member' },
    { adoptLegacy: true },
  );
  const row = provisioned?.row;
  if (provisioned?.created) {
    await services.auditLog.record({
      actor: 'system',
      action: 'user.provision',
      targetKind: 'user',
      targetName: provisioned.row.username,
      result: 'success',
      requestId: String(request.id),
      sourceIp: request.ip,
      details: { via: 'header', role: 'member', proxyUser: username },
    });
  }
  if (!row || row.disabled) {
    return { status: 403, reason: 'UserDisabled', message: 'This account is disabled.' };
  }
  const groups = [
    ...new Set(
      (headerValue(request, headerMode.groupsHeader) ?? '')
        .split(',')
        .map((group) => group.trim())
        .filter(Boolean),
    ),
  ].slice(0, 500);
  const groupTeams = await services.teams.existing(groups);
  const user = await services.users.authenticated(row.id, 'header', groupTeams);
  return user
    ? { user, groups }
    : { status: 403, reason: 'UserDisabled', message: 'This account is disabled.' };
}

function checkCsrf(request: FastifyRequest): ApiErrorInput | undefined {
  if (request.user?.via === 'token') return undefined;
  const sent = headerValue(request, 'x-csrf-token');
  if (!sent) {
    return {
      status: 403,
      reason: 'CsrfTokenMissing',
      message: 'Send the x-csrf-token header (from GET /api/v1/auth/me) with every change.',
    };
  }
  const expected = request.authSession?.csrfToken;
  if (!expected || !secretsEqual(sent, expected)) {
    return {
      status: 403,
      reason: 'CsrfTokenInvalid',
      message: 'The x-csrf-token header does not match this session; reload the page.',
    };
  }
  return undefined;
}

async function recordDenied(request: FastifyRequest, reason: string): Promise<void> {
  await request.server.auditLog.record({
    ...auditFromRequest(request),
    action: 'request.denied',
    targetKind: 'request',
    targetName: `${request.method} ${routePath(request)}`,
    result: 'denied',
    statusCode: 403,
    details: { reason },
  });
}

function sendUnauthenticated(reply: FastifyReply): FastifyReply {
  return sendApiError(reply, {
    status: 401,
    reason: 'Unauthenticated',
    message: 'Sign in, or send an API token as "Authorization: Bearer rdk_…".',
  });
}
