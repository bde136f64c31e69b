import type { FastifyInstance } from 'fastify';

import { adminRoutes } from '../routes/adminRoutes.ts';
import { auditRoutes } from '../routes/auditRoutes.ts';
import { authRoutes } from '../routes/authRoutes.ts';
import { oidcRoutes } from '../routes/oidcRoutes.ts';
import { tokenRoutes } from '../routes/tokenRoutes.ts';
import { authPlugin, type AuthPluginOptions } from './authPlugin.ts';
import { mutationRateLimit, type MutationRateLimitOptions } from './mutationRateLimit.ts';
import type { OidcSignIn } from './OidcSignIn.ts';

/** Options of {@link authApi}: those of `authPlugin`, plus the per-user mutation limit. */
export interface AuthApiOptions extends AuthPluginOptions {
  /** Per-user limit on POST/PUT/PATCH/DELETE; `false` turns it off. Defaults to 120 per minute. */
  mutationRateLimit?: MutationRateLimitOptions | false;
  /** OIDC sign-in routes; without it `/auth/methods` says OIDC is off. */
  oidc?: OidcSignIn;
}

/**
 * Everything of auth in one registration, in the order it must run: `authPlugin` (identity,
 * CSRF, 401), the per-user mutation rate limit, then the auth, token, admin and audit routes.
 * Not encapsulated, so the hooks cover routes registered after it (register it before them).
 */
export const authApi = Object.assign(
  async function authApi(app: FastifyInstance, options: AuthApiOptions): Promise<void> {
    const { mutationRateLimit: limit, oidc, ...authOptions } = options;
    await app.register(authPlugin, authOptions);
    if (limit !== false) await app.register(mutationRateLimit, limit ?? {});
    await app.register(authRoutes);
    await app.register(oidcRoutes, { oidc: oidc ?? null, localLogin: options.localLogin ?? true });
    await app.register(tokenRoutes);
    await app.register(adminRoutes);
    await app.register(auditRoutes);
  },
  { [Symbol.for('skip-override')]: true },
);
