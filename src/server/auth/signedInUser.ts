import type { FastifyRequest } from 'fastify';

import { ServiceError } from '../services/serviceErrors.ts';
import type { AuthenticatedUser } from './authorize.ts';

/**
 * The caller of a route that needs one (the auth plugin has already refused anonymous requests to
 * such routes; this is the typed guarantee): 401 `Unauthenticated` otherwise.
 */
export function signedInUser(request: FastifyRequest): AuthenticatedUser {
  if (!request.user) throw new ServiceError(401, 'Unauthenticated', 'Sign in first.');
  return request.user;
}
