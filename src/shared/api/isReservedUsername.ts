/**
 * Names the portal itself writes into the audit log as the actor (`anonymous` for requests
 * without a user, `system` for the server's own changes) or that impersonate it. No account
 * may take one: the audit view shows users the entries whose actor is their name, so a user
 * called `anonymous` would see everyone's failed sign-ins.
 */
const reservedUsernames = new Set(['anonymous', 'system', 'raydeck', 'root']);

/**
 * True when no user may be created with `username`: one of `anonymous`, `system`, `raydeck`,
 * `root`, or any name starting with `system:` (Kubernetes' own prefix), case-insensitively.
 */
export function isReservedUsername(username: string): boolean {
  const name = username.trim().toLowerCase();
  return reservedUsernames.has(name) || name.startsWith('system:');
}
