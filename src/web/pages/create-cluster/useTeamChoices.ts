import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';

import { useApiClient } from '../../hooks/useApiClient.ts';
import { useSession } from '../../session/SessionProvider.tsx';

/**
 * Teams the wizard offers and the one it starts with: the user's teams, plus every team of the
 * portal for admins (`GET /api/v1/admin/teams`, the header's query key), plus the session's
 * current team; the default is the session's team, else the first one.
 */
export function useTeamChoices(): { teams: string[]; defaultTeam: string } {
  const { user, team } = useSession();
  const client = useApiClient();
  const allTeams = useQuery({
    queryKey: ['admin', 'teams'],
    queryFn: () => client.listTeams(),
    enabled: user?.role === 'admin',
  });
  return useMemo(() => {
    const names = new Set(user?.teams ?? []);
    for (const known of allTeams.data?.items ?? []) names.add(known.name);
    if (team) names.add(team);
    const teams = [...names].sort();
    return { teams, defaultTeam: team ?? teams[0] ?? '' };
  }, [user?.teams, allTeams.data, team]);
}
