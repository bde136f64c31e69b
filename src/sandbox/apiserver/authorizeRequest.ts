import { forbiddenError } from './forbiddenError.ts';
import type { RbacAuthorizer } from './RbacAuthorizer.ts';
import { requestAttributes } from './requestAttributes.ts';
import type { UserInfo } from './userInfo.ts';

/**
 * Authorizes one HTTP request before it is served, as the API server's authorization filter
 * does: attributes from the URL (see `requestAttributes`), then RBAC; a denial throws the 403
 * Kubernetes answers. Without an authorizer (no `--rbac`) everything is allowed.
 */
export function authorizeRequest(
  authorizer: RbacAuthorizer | undefined,
  user: UserInfo,
  method: string,
  url: URL,
): void {
  if (!authorizer) return;
  const attributes = requestAttributes(method, url.pathname, url.searchParams);
  const decision = authorizer.authorize(user, attributes);
  if (!decision.allowed) throw forbiddenError(user.username, attributes, decision.reason);
}
