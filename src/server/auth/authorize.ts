import type { AuthMethod, UserRole } from '../../shared/api/authSchemas.ts';

/**
 * Who is making a request, resolved once per request by `authPlugin` and read by routes as
 * `request.user`.
 */
export interface AuthenticatedUser {
  id: string;
  username: string;
  displayName: string;
  role: UserRole;
  /**
   * Team names, which are the Kubernetes namespaces the user works in: stored memberships plus,
   * for users from a trusted proxy, the groups that match a team name.
   */
  teams: readonly string[];
  via: AuthMethod;
}

/**
 * What a request wants to do: `read` (list, get, watch), `write` (create, change, delete) or
 * `admin` (govern users, teams, templates, quotas).
 */
export type AuthorizeAction = 'read' | 'write' | 'admin';

/**
 * The portal's whole permission model, as one pure function:
 * - `admin` may do everything, in every namespace;
 * - `member` may read and write in their teams' namespaces;
 * - `viewer` may only read in their teams' namespaces.
 *
 * Without a `namespace` the action concerns something not namespaced (GPU inventory,
 * templates): anyone signed in may read it, only admins may change it.
 */
export function authorize(
  user: AuthenticatedUser | null | undefined,
  action: AuthorizeAction,
  namespace?: string,
): boolean {
  if (!user) return false;
  if (user.role === 'admin') return true;
  if (action === 'admin') return false;
  if (action === 'write' && user.role !== 'member') return false;
  if (namespace === undefined) return action === 'read';
  return user.teams.includes(namespace);
}

/**
 * The namespaces whose resources a user may see: `'*'` (all) for admins, otherwise their teams.
 * Lists and live updates filter with it.
 */
export function visibleNamespaces(
  user: AuthenticatedUser | null | undefined,
): '*' | readonly string[] {
  if (!user) return [];
  return user.role === 'admin' ? '*' : user.teams;
}
