import type { ApiClient } from '../../src/shared/client/apiClient.ts';

/** The team namespaces of the sandbox's default world (src/sandbox/world/worldConfig.ts). */
export const sandboxTeams = ['team-a', 'team-b'] as const;

/**
 * Makes sure Raydeck's store knows the sandbox's team namespaces, creating the missing ones
 * through the admin API. A fresh portal (checked at this commit) has the namespaces in its
 * sandbox but no teams in its store, so team selects offer none; appFrame.e2e.test.ts asserts
 * that a fresh portal offers them, and this arranges them for the flows meanwhile. Once the portal
 * seeds them itself this does nothing.
 */
export async function ensureTeams(
  api: ApiClient,
  teams: readonly string[] = sandboxTeams,
): Promise<void> {
  const existing = new Set((await api.listTeams()).items.map((team) => team.name));
  for (const name of teams) {
    if (!existing.has(name)) await api.createTeam({ name });
  }
}
