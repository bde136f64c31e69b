import { Anchor, Group, NativeSelect } from '@mantine/core';
import { IconUsersGroup } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { Link } from 'react-router-dom';

import { useApiClient } from '../hooks/useApiClient.ts';
import { adminQueryKeys } from '../pages/admin/adminQueryKeys.ts';
import { useSession } from '../session/SessionProvider.tsx';

/**
 * The header's team select (accessible name "Team"): which team (Kubernetes namespace) the pages
 * show and create in. Members pick among their teams; admins among every team of the portal
 * (`GET /api/v1/admin/teams`). It is a native `<select>`, so the keyboard and screen readers
 * handle it as they handle every select. With no team chosen yet it picks the first one; an
 * admin of a portal without teams gets a link to create one.
 */
export function TeamSwitcher() {
  const { user, team, setTeam } = useSession();
  const client = useApiClient();
  const isAdmin = user?.role === 'admin';
  const allTeams = useQuery({
    queryKey: adminQueryKeys.teams,
    queryFn: () => client.listTeams(),
    enabled: isAdmin,
  });

  const teams = useMemo(() => {
    const names = new Set(user?.teams ?? []);
    for (const known of allTeams.data?.items ?? []) names.add(known.name);
    if (team) names.add(team);
    return [...names].sort();
  }, [user?.teams, allTeams.data, team]);

  useEffect(() => {
    const first = teams[0];
    if (!team && first) setTeam(first);
  }, [team, teams, setTeam]);

  const select = (
    <NativeSelect
      aria-label="Team"
      value={team ?? ''}
      onChange={(event) => setTeam(event.currentTarget.value)}
      data={teams.length > 0 ? teams : [{ value: '', label: 'No team' }]}
      disabled={teams.length === 0}
      title={
        teams.length === 0 ? 'You are in no team yet; an admin can add you to one.' : undefined
      }
      leftSection={<IconUsersGroup size={16} aria-hidden />}
      w={180}
    />
  );
  // An admin of a fresh portal has no team to work in yet: point at where teams are made.
  if (isAdmin && allTeams.isSuccess && teams.length === 0) {
    return (
      <Group gap={6} wrap="nowrap">
        {select}
        <Anchor component={Link} to="/admin?tab=teams" size="sm" visibleFrom="lg">
          Create a team
        </Anchor>
      </Group>
    );
  }
  return select;
}
