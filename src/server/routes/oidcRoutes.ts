import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';

import {
  OidcCallbackQuery,
  OidcLoginQuery,
  OidcLogoutResult,
  SignInMethods,
} from '../../shared/api/oidcSchemas.ts';
import { auditFromRequest } from '../audit/auditFromRequest.ts';
import { requireUser } from '../auth/authPlugin.ts';
import { type OidcSignIn, OidcSignInError } from '../auth/OidcSignIn.ts';
import { clearSessionCookie, isSecureRequest, setSessionCookie } from '../auth/sessionCookie.ts';
import { sendApiError } from '../sendApiError.ts';

/** Options of {@link oidcRoutes}. */
export interface OidcRoutesOptions {
  /** The OIDC sign-in, or null when OIDC is off (only `/auth/methods` is served then). */
  oidc: OidcSignIn | null;
  /** Whether username/password accounts may sign in (shown to the sign-in page). */
  localLogin: boolean;
}

/** Cookie binding a started sign-in to the browser that started it (login-CSRF defence). */
export const oidcStateCookieName = 'raydeck_oidc_state';
const oidcCookiePath = '/api/v1/auth/oidc';
const oidcLoginPath = '/api/v1/auth/oidc/login';

/**
 * `GET /api/v1/auth/methods`, and when OIDC is on: `GET /api/v1/auth/oidc/login` (redirects to
 * the provider), `GET /api/v1/auth/oidc/callback` (the provider's redirect: checks it, keys the
 * account by issuer and subject, maps groups to role and teams, starts a session that ends with
 * the ID token) and `POST /api/v1/auth/oidc/logout` (ends the session; answers where to go to
 * end the provider's session too). Needs `authPlugin`.
 */
export const oidcRoutes: FastifyPluginAsyncTypebox<OidcRoutesOptions> = async (app, options) => {
  const { users, sessions, auditLog, revocations } = app.authServices;
  const { oidc } = options;

  app.get(
    '/api/v1/auth/methods',
    {
      schema: {
        tags: ['auth'],
        summary: 'How one may sign in here: local accounts, OIDC',
        security: [],
        response: { 200: SignInMethods },
      },
    },
    async () => ({ local: options.localLogin, oidcLoginPath: oidc ? oidcLoginPath : null }),
  );
  if (!oidc) return;

  app.get(
    oidcLoginPath,
    {
      schema: {
        tags: ['auth'],
        summary: 'Start signing in with the identity provider (redirects there)',
        security: [],
        querystring: OidcLoginQuery,
        response: { 302: { type: 'null', description: 'To the identity provider.' } },
      },
    },
    async (request, reply) => {
      let started;
      try {
        started = await oidc.start(request.query.returnTo ?? '/');
      } catch (error) {
        request.log.error({ err: error }, 'cannot start OIDC sign-in');
        return sendApiError(reply, {
          status: 503,
          reason: 'IdentityProviderUnavailable',
          message: 'The identity provider cannot be reached; try again, or ask an admin.',
        });
      }
      reply.setCookie(oidcStateCookieName, started.state, {
        httpOnly: true,
        sameSite: 'lax',
        path: oidcCookiePath,
        secure: isSecureRequest(request),
        maxAge: 600,
      });
      return reply.redirect(started.url.href, 302);
    },
  );

  app.get(
    '/api/v1/auth/oidc/callback',
    {
      schema: {
        tags: ['auth'],
        summary: 'The identity provider’s redirect back (sets the session cookie)',
        security: [],
        querystring: OidcCallbackQuery,
        response: { 303: { type: 'null', description: 'Into the portal, or to /login.' } },
      },
    },
    async (request, reply) => {
      const audit = {
        ...auditFromRequest(request),
        action: 'auth.login',
        targetKind: 'session',
      };
      const cookieState = request.cookies[oidcStateCookieName];
      reply.clearCookie(oidcStateCookieName, { path: oidcCookiePath });
      const refuse = async (reason: string, targetName: string | null): Promise<FastifyReply> => {
        await auditLog.record({
          ...audit,
          targetName,
          result: 'denied',
          statusCode: 303,
          details: { via: 'oidc', reason },
        });
        return reply.redirect(`/login?ssoError=${encodeURIComponent(reason)}`, 303);
      };
      const query = new URLSearchParams(request.url.split('?')[1] ?? '');
      let finished;
      try {
        finished = await oidc.finish(query, cookieState);
      } catch (error) {
        if (!(error instanceof OidcSignInError)) throw error;
        request.log.warn(
          { err: error.cause ?? error, reason: error.reason },
          'OIDC sign-in refused',
        );
        return refuse(error.reason, null);
      }
      const { identity, returnTo } = finished;
      const provisioned = await users.provisionExternal(identity.externalId, {
        username: identity.username,
        displayName: identity.displayName,
        role: identity.access?.role ?? 'viewer',
      });
      if (!provisioned) return refuse('UsernameUnavailable', identity.username);
      const { row } = provisioned;
      if (provisioned.created) {
        await auditLog.record({
          ...audit,
          actor: 'system',
          actorRole: null,
          action: 'user.provision',
          targetKind: 'user',
          targetName: row.username,
          result: 'success',
          details: { via: 'oidc', subject: identity.externalId },
        });
      }
      // Groups are re-read at every sign-in: leaving every mapped group ends access here.
      const teams = await users.syncExternal(
        row.id,
        identity.access?.role ?? 'viewer',
        identity.access?.teams ?? [],
      );
      revocations.emit({ kind: 'user', userId: row.id });
      if (!identity.access) {
        await sessions.deleteForUser(row.id);
        return refuse('NoMappedGroup', row.username);
      }
      if (row.disabled) return refuse('UserDisabled', row.username);
      const session = await sessions.create(row.id, {
        hardExpiresAt: identity.expiresAt,
        idToken: identity.idToken,
      });
      const maxAgeSeconds = Math.floor(
        (Date.parse(session.expiresAt) - Date.parse(session.lastSeenAt)) / 1000,
      );
      if (maxAgeSeconds <= 0) {
        await sessions.delete(session.id);
        return refuse('InvalidIdToken', row.username);
      }
      setSessionCookie(reply, session.token, maxAgeSeconds);
      await auditLog.record({
        ...audit,
        actor: row.username,
        actorRole: identity.access.role,
        targetName: row.username,
        result: 'success',
        statusCode: 303,
        details: { via: 'oidc', role: identity.access.role, teams, expiresAt: session.expiresAt },
      });
      return reply.redirect(returnTo, 303);
    },
  );

  app.post(
    '/api/v1/auth/oidc/logout',
    {
      preHandler: requireUser,
      schema: {
        tags: ['auth'],
        summary: 'Sign out here and learn where to end the identity provider’s session',
        response: { 200: OidcLogoutResult },
      },
    },
    async (request, reply) => {
      let idToken: string | null = null;
      if (request.authSession) {
        idToken = await sessions.idTokenOf(request.authSession.id);
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
        statusCode: 200,
        details: { via: 'oidc' },
      });
      let endSession: URL | null = null;
      try {
        // Only a session the provider started has a provider session to end.
        if (idToken) endSession = await oidc.endSessionUrl(idToken);
      } catch (error) {
        request.log.warn({ err: error }, 'cannot build the provider logout URL');
      }
      return { redirectTo: endSession?.href ?? '/login' };
    },
  );
};
