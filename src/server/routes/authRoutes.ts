import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

import { type CurrentUser, LoginRequest, SessionInfo } from '../../shared/api/authSchemas.ts';
import { auditFromRequest } from '../audit/auditFromRequest.ts';
import type { AuthenticatedUser } from '../auth/authorize.ts';
import { requireUser } from '../auth/authPlugin.ts';
import { defaultScryptParams, hashPassword, verifyPassword } from '../auth/passwordHash.ts';
import { randomSecret } from '../auth/randomSecret.ts';
import { clearSessionCookie, setSessionCookie } from '../auth/sessionCookie.ts';
import { sendApiError } from '../sendApiError.ts';

/** The user as the API shows it (a mutable copy of the team list). */
export function toCurrentUser(user: AuthenticatedUser): CurrentUser {
  return { ...user, teams: [...user.teams] };
}

let dummyHash: Promise<string> | undefined;

/**
 * A hash to verify against when the user does not exist, so that unknown usernames take as
 * long as wrong passwords and response times do not reveal which usernames exist.
 */
function hashForUnknownUser(): Promise<string> {
  dummyHash ??= hashPassword(randomSecret(), defaultScryptParams);
  return dummyHash;
}

/**
 * `POST /api/v1/auth/login`, `POST /api/v1/auth/logout`, `GET /api/v1/auth/me`. Needs
 * `authPlugin`. Failed logins answer one generic 401 and are braked per username and address.
 */
export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { users, sessions, loginThrottle, auditLog, revocations } = app.authServices;

  app.post(
    '/api/v1/auth/login',
    { schema: { body: LoginRequest, response: { 200: SessionInfo } } },
    async (request, reply) => {
      const { username, password } = request.body;
      const audit = {
        ...auditFromRequest(request),
        actor: 'anonymous',
        actorRole: null,
        action: 'auth.login',
        targetKind: 'session',
        targetName: username,
      };
      // Counted before any await, so parallel guesses cannot all pass before one is counted.
      const attempt = loginThrottle.begin(username, request.ip);
      if (!attempt.allowed) {
        await auditLog.record({
          ...audit,
          result: 'denied',
          statusCode: 429,
          details: { reason: 'tooManyFailures' },
        });
        reply.header('retry-after', String(attempt.retryAfterSeconds));
        return sendApiError(reply, {
          status: 429,
          reason: 'TooManyLoginAttempts',
          message: `Too many failed sign-ins; try again in ${attempt.retryAfterSeconds} s.`,
        });
      }

      const row = await users.findByUsername(username);
      const matches = await verifyPassword(
        password,
        row?.password_hash ?? (await hashForUnknownUser()),
      );
      if (!row || row.password_hash === null || row.disabled || !matches) {
        const reason = !row
          ? 'unknownUser'
          : row.password_hash === null
            ? 'noLocalPassword'
            : row.disabled
              ? 'disabled'
              : 'wrongPassword';
        await auditLog.record({
          ...audit,
          result: 'failure',
          statusCode: 401,
          details: { reason },
        });
        return sendApiError(reply, {
          status: 401,
          reason: 'InvalidCredentials',
          message: 'Invalid username or password.',
        });
      }

      attempt.succeed();
      // A fresh session on every sign-in, so a planted cookie never becomes authenticated.
      if (request.authSession) {
        await sessions.delete(request.authSession.id);
        revocations.emit({ kind: 'session', sessionId: request.authSession.id });
      }
      const session = await sessions.create(row.id);
      const user = await users.authenticated(row.id, 'session');
      if (!user) throw new Error(`user ${row.id} vanished while signing in`);
      setSessionCookie(reply, session.token, sessions.ttlSeconds);
      await auditLog.record({
        ...audit,
        actor: user.username,
        actorRole: user.role,
        result: 'success',
        statusCode: 200,
      });
      return { user: toCurrentUser(user), csrfToken: session.csrfToken };
    },
  );

  app.post('/api/v1/auth/logout', { preHandler: requireUser }, async (request, reply) => {
    if (request.authSession) {
      await sessions.delete(request.authSession.id);
      revocations.emit({ kind: 'session', sessionId: request.authSession.id });
    }
    clearSessionCookie(reply);
    await auditLog.record({
      ...auditFromRequest(request),
      action: 'auth.logout',
      targetKind: 'session',
      targetName: request.user?.username ?? null,
      result: 'success',
      statusCode: 204,
    });
    return reply.code(204).send();
  });

  app.get(
    '/api/v1/auth/me',
    { preHandler: requireUser, schema: { response: { 200: SessionInfo } } },
    async (request, reply) => {
      const user = request.user;
      if (!user) throw new Error('requireUser let an anonymous request through');
      let csrfToken = user.via === 'token' ? null : (request.authSession?.csrfToken ?? null);
      if (user.via === 'header' && !request.authSession) {
        // Proxy-authenticated browsers still need a CSRF token; a session carries it.
        const session = await sessions.create(user.id);
        setSessionCookie(reply, session.token, sessions.ttlSeconds);
        csrfToken = session.csrfToken;
      }
      return { user: toCurrentUser(user), csrfToken };
    },
  );
};
