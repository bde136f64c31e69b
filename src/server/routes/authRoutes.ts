import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import {
  ChangePasswordRequest,
  type CurrentUser,
  LoginRequest,
  SessionInfo,
} from '../../shared/api/authSchemas.ts';
import { auditFromRequest } from '../audit/auditFromRequest.ts';
import type { AuthenticatedUser } from '../auth/authorize.ts';
import { requireUser } from '../auth/authPlugin.ts';
import { defaultScryptParams, hashPassword, verifyPassword } from '../auth/passwordHash.ts';
import { randomSecret } from '../auth/randomSecret.ts';
import { clearSessionCookie, setSessionCookie } from '../auth/sessionCookie.ts';
import { weakPasswordError } from '../auth/weakPasswordError.ts';
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
 * `POST /api/v1/auth/login`, `POST /api/v1/auth/logout`, `GET /api/v1/auth/me`,
 * `POST /api/v1/auth/password`. Needs `authPlugin`. Failed logins answer one generic 401 and
 * are braked per username and address and per address; wrong current passwords count too.
 */
export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { users, sessions, tokens, loginThrottle, auditLog, revocations } = app.authServices;

  app.post(
    '/api/v1/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with a username and password (sets the session cookie)',
        security: [],
        body: LoginRequest,
        response: { 200: SessionInfo },
      },
    },
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
      if (!app.authServices.localLogin) {
        await auditLog.record({
          ...audit,
          result: 'denied',
          statusCode: 403,
          details: { reason: 'localLoginDisabled' },
        });
        return sendApiError(reply, {
          status: 403,
          reason: 'LocalLoginDisabled',
          message: 'Username and password sign-in is turned off here; sign in with SSO.',
        });
      }
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

  app.post(
    '/api/v1/auth/logout',
    {
      preHandler: requireUser,
      schema: {
        tags: ['auth'],
        summary: 'Sign out (ends the session)',
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
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
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/auth/me',
    {
      preHandler: requireUser,
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user and the CSRF token',
        response: { 200: SessionInfo },
      },
    },
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

  app.post(
    '/api/v1/auth/password',
    {
      preHandler: requireUser,
      schema: {
        tags: ['auth'],
        summary: 'Change your own password',
        body: ChangePasswordRequest,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const user = request.user;
      if (!user) throw new Error('requireUser let an anonymous request through');
      const { currentPassword, password, revokeTokens } = request.body;
      const audit = {
        ...auditFromRequest(request),
        action: 'auth.password.change',
        targetKind: 'user',
        targetName: user.username,
      };
      const fail = async (status: number, reason: string) =>
        auditLog.record({ ...audit, result: 'failure', statusCode: status, details: { reason } });

      const row = await users.findById(user.id);
      if (!row || row.password_hash === null) {
        await fail(409, 'noLocalPassword');
        return sendApiError(reply, {
          status: 409,
          reason: 'NoLocalPassword',
          message: 'This account signs in through single sign-on; change the password there.',
        });
      }
      // A stolen session must not become a way around the sign-in brake.
      const attempt = loginThrottle.begin(row.username, request.ip);
      if (!attempt.allowed) {
        await fail(429, 'tooManyFailures');
        reply.header('retry-after', String(attempt.retryAfterSeconds));
        return sendApiError(reply, {
          status: 429,
          reason: 'TooManyLoginAttempts',
          message: `Too many wrong passwords; try again in ${attempt.retryAfterSeconds} s.`,
        });
      }
      if (!(await verifyPassword(currentPassword, row.password_hash))) {
        await fail(403, 'wrongPassword');
        return sendApiError(reply, {
          status: 403,
          reason: 'WrongPassword',
          message: 'The current password is wrong.',
          fields: [{ path: 'body.currentPassword', message: 'is wrong' }],
        });
      }
      attempt.succeed();
      const weak = weakPasswordError(password, row.username);
      if (weak) {
        await fail(400, 'weakPassword');
        return sendApiError(reply, weak);
      }

      await users.update(row.id, { passwordHash: await hashPassword(password) });
      // Every other browser session ends; this one stays signed in.
      await sessions.deleteForUser(row.id, request.authSession?.id);
      const tokensRevoked = revokeTokens === false ? 0 : await tokens.deleteForUser(row.id);
      revocations.emit({ kind: 'user', userId: row.id });
      await auditLog.record({
        ...audit,
        result: 'success',
        statusCode: 204,
        details: { tokensRevoked },
      });
      return reply.code(204).send(null);
    },
  );
};
