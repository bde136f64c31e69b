import { Alert, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';

import { isClusterPhase } from '../../shared/ray/clusterPhase.ts';
import { useApiClient } from '../hooks/useApiClient.ts';
import { type ClusterListView, useClusterList } from '../hooks/useClusterList.ts';
import { useSession } from '../session/SessionProvider.tsx';
import { clusterFilterOptions } from './clusters/clusterFilterOptions.ts';
import { ClusterFilters } from './clusters/ClusterFilters.tsx';
import { NoClustersMatch, NoClustersYet } from './clusters/ClustersEmptyState.tsx';
import { type ClusterSort, ClusterTable } from './clusters/ClusterTable.tsx';
import { useNow } from './clusters/useNow.ts';

/** Debounce of the search box, in milliseconds. */
const searchDebounceMs = 200;

/** Filters kept in the address (`?team=&phase=&gpu=`), so a filtered list can be linked. */
const filterParams = { team: 'team', phase: 'phase', gpuType: 'gpu' } as const;

/**
 * `/clusters`: every cluster the user may see, live from the stream. The server filters,
 * searches, sorts and pages (the page only says what it wants: filters from the address, the
 * header's team switcher, the sortable column headers); the virtualised table loads more pages
 * as it scrolls. Teaches when there is nothing yet.
 */
export function ClustersPage() {
  const client = useApiClient();
  const { user, team: sessionTeam } = useSession();
  const about = useQuery({
    queryKey: ['about'],
    queryFn: () => client.about(),
    staleTime: 5 * 60_000,
  });
  const now = useNow();

  const [params, setParams] = useSearchParams();
  const team = params.get(filterParams.team) ?? '';
  const phase = params.get(filterParams.phase) ?? '';
  const gpuType = params.get(filterParams.gpuType) ?? '';
  const [search, setSearch] = useState(() => params.get('q') ?? '');
  const [debouncedSearch] = useDebouncedValue(search, searchDebounceMs);
  const [sort, setSort] = useState<ClusterSort>({ column: 'age', direction: 'ascending' });

  const text = debouncedSearch.trim();
  const view = useMemo<ClusterListView>(
    () => ({
      ...(team ? { team } : {}),
      ...(isClusterPhase(phase) ? { phase } : {}),
      ...(gpuType ? { gpuType } : {}),
      ...(text ? { q: text } : {}),
      ...(sort.column === 'age' ? {} : { sort: sort.column }),
      ...(sort.direction === 'ascending' ? {} : { order: 'desc' as const }),
    }),
    [team, phase, gpuType, text, sort],
  );
  const list = useClusterList(view);
  const rows = useMemo(() => list.data?.pages.flatMap((page) => page.items), [list.data]);
  const total = list.data?.pages.at(-1)?.total ?? rows?.length ?? 0;
  const options = useMemo(
    () => clusterFilterOptions(user, rows ?? [], { team, gpuType }),
    [user, rows, team, gpuType],
  );

  const changeFilters = useCallback(
    (change: Partial<Record<keyof typeof filterParams, string>>) => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [field, value] of Object.entries(change)) {
            const param = filterParams[field as keyof typeof filterParams];
            if (value) next.set(param, value);
            else next.delete(param);
          }
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );

  // Switching team in the header shows that team's clusters ("All teams" stays one click away).
  const shownSessionTeam = useRef(sessionTeam);
  useEffect(() => {
    const previous = shownSessionTeam.current;
    shownSessionTeam.current = sessionTeam;
    if (previous !== undefined && sessionTeam && sessionTeam !== previous) {
      changeFilters({ team: sessionTeam });
    }
  }, [sessionTeam, changeFilters]);

  const clearFilters = () => {
    setSearch('');
    changeFilters({ team: '', phase: '', gpuType: '' });
  };
  const sortBy = (column: ClusterSort['column']) =>
    setSort((current) =>
      current.column === column
        ? { column, direction: current.direction === 'ascending' ? 'descending' : 'ascending' }
        : { column, direction: 'ascending' },
    );
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const loaded = rows !== undefined;
  const filtering = Boolean(team || phase || gpuType || text);
  const empty = loaded && total === 0 && !filtering;

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Clusters</Title>
          <Text c="dimmed" size="sm" aria-live="polite">
            {!loaded
              ? 'Loading clusters…'
              : filtering
                ? `${total} matching ${total === 1 ? 'cluster' : 'clusters'}`
                : `${total} ${total === 1 ? 'cluster' : 'clusters'}, updated live`}
          </Text>
        </div>
        {!empty && (
          <Button component={Link} to="/clusters/new" leftSection={<IconPlus size={16} />}>
            New cluster
          </Button>
        )}
      </Group>

      {list.isError && (
        <Alert color="red" variant="light" title="Could not load clusters" role="alert">
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{list.error.message}</Text>
            <Button size="xs" variant="light" color="red" onClick={() => void list.refetch()}>
              Try again
            </Button>
          </Stack>
        </Alert>
      )}

      {empty ? (
        <NoClustersYet
          sandbox={about.data?.connection.sandbox === true}
          admin={user?.role === 'admin'}
        />
      ) : (
        (loaded || !list.isError) && (
          <>
            <ClusterFilters
              team={team}
              phase={phase}
              gpuType={gpuType}
              search={search}
              teams={options.teams}
              gpuTypes={options.gpuTypes}
              onChange={changeFilters}
              onSearch={setSearch}
            />
            {loaded && total === 0 ? (
              <NoClustersMatch onClear={clearFilters} />
            ) : (
              <ClusterTable
                rows={rows ?? []}
                total={total}
                onNeedMore={loadMore}
                sort={sort}
                onSort={sortBy}
                now={now}
                loading={!loaded}
              />
            )}
          </>
        )
      )}
    </Stack>
  );
}
