/**
 * TanStack Query keys of the admin lists, shared so that a change on one tab (a new team, new
 * members) refreshes every view of it, including the header's team select.
 */
export const adminQueryKeys = {
  users: ['admin', 'users'],
  teams: ['admin', 'teams'],
} as const;
