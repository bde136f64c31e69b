import type { UserRole } from '../../shared/api/authSchemas.ts';

/**
 * Which identity-provider groups make an OIDC user an admin, or a member or viewer of a team.
 * A group may appear in several entries; a team may have several groups.
 */
export interface OidcGroupMapping {
  adminGroups: readonly string[];
  /** Team name → groups whose members are the team's members. */
  memberGroups: ReadonlyMap<string, readonly string[]>;
  /** Team name → groups whose members may only read the team. */
  viewerGroups: ReadonlyMap<string, readonly string[]>;
}

/** What a user's groups grant; null when none of them is mapped (the sign-in is refused). */
export interface MappedAccess {
  role: UserRole;
  teams: string[];
}

const teamNamePattern = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const groupPattern = /^[^\s,=]{1,256}$/;

/**
 * Parses `team-a=ml-team-a,team-b=ml-team-b` (the `--oidc-team-groups` format): comma-separated
 * `team=group` pairs; repeat a team to give it several groups.
 * @throws Error naming the bad entry
 */
export function parseTeamGroups(raw: string): Map<string, string[]> {
  const mapping = new Map<string, string[]>();
  for (const entry of raw.split(',').map((part) => part.trim())) {
    if (!entry) continue;
    const [team = '', group = '', ...rest] = entry.split('=').map((part) => part.trim());
    if (rest.length > 0 || !teamNamePattern.test(team) || !groupPattern.test(group)) {
      throw new Error(`"${entry}" is not team=group (team a DNS-1123 label, group without spaces)`);
    }
    mapping.set(team, [...(mapping.get(team) ?? []), group]);
  }
  return mapping;
}

/**
 * The role and teams a set of groups grants. The portal's role is global (ADR 0014): an admin
 * group makes an admin; a member group of any team makes a member of the teams whose member
 * groups match; otherwise viewer groups make a viewer of their teams. A user who is member of
 * one team and viewer of another gets only the member teams, so that `member` never writes
 * where the mapping said read-only.
 */
export function mapGroups(
  mapping: OidcGroupMapping,
  groups: readonly string[],
): MappedAccess | null {
  const held = new Set(groups);
  const matching = (byTeam: ReadonlyMap<string, readonly string[]>): string[] =>
    [...byTeam]
      .filter(([, teamGroups]) => teamGroups.some((group) => held.has(group)))
      .map(([team]) => team)
      .sort();
  if (mapping.adminGroups.some((group) => held.has(group))) {
    return { role: 'admin', teams: [...new Set([...matching(mapping.memberGroups)])] };
  }
  const memberTeams = matching(mapping.memberGroups);
  if (memberTeams.length > 0) return { role: 'member', teams: memberTeams };
  const viewerTeams = matching(mapping.viewerGroups);
  if (viewerTeams.length > 0) return { role: 'viewer', teams: viewerTeams };
  return null;
}
