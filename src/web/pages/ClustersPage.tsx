import { Alert, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';

import { useApiClient } from '../hooks/useApiClient.ts';
import { useClusterList } from '../hooks/useClusterList.ts';
import { useSession } from '../session/SessionProvider.tsx';
import { clusterFilterOptions } from './clusters/clusterFilterOptions.ts';
import { ClusterFilters } from './clusters/ClusterFilters.tsx';
import { NoClustersMatch, NoClustersYet } from './clusters/ClustersEmptyState.tsx';
import { ClusterTable } from './clusters/ClusterTable.tsx';
import {
  type ClusterSort,
  type ClusterSortColumn,
  filterClusters,
  sortClusters,
} from './clusters/filterClusters.ts';
import { useNow } from './clusters/useNow.ts';

/** Debounce of the search box, in milliseconds. */
const searchDebounceMs = 200;

/** Filters kept in the address (`?team=&phase=&gpu=`), so a filtered list can be linked. */
const filterParams = { team: 'team', phase: 'phase', gpuType: 'gpu' } as const;

/**
 * `/clusters`: every cluster the user may see, live from the stream, with filters, search,
 * sortable columns and a virtualised table; teaches when there is nothing yet.
 */
export function ClustersPage() {
  const client = useApiClient();
  const { user } = useSession();
  const list = useClusterList();
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

  const rows = list.data;
  const visible = useMemo(
    () =>
      sortClusters(
        filterClusters(rows ?? [], { team, phase, gpuType, text: debouncedSearch }),
        sort,
      ),
    [rows, team, phase, gpuType, debouncedSearch, sort],
  );
  const options = useMemo(
    () => clusterFilterOptions(user, rows ?? [], { team, gpuType }),
    [user, rows, team, gpuType],
  );

  const changeFilters = (change: Partial<Record<keyof typeof filterParams, string>>) => {
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
  };
  const clearFilters = () => {
    setSearch('');
    changeFilters({ team: '', phase: '', gpuType: '' });
  };
  const sortBy = (column: ClusterSortColumn) =>
    setSort((current) =>
      current.column === column
        ? { column, direction: current.direction === 'ascending' ? 'descending' : 'ascending' }
        : { column, direction: 'ascending' },
    );

  const loaded = rows !== undefined;
  const empty = loaded && rows.length === 0;
  const filtering = Boolean(team || phase || gpuType || debouncedSearch.trim());

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Clusters</Title>
          <Text c="dimmed" size="sm" aria-live="polite">
            {!loaded
              ? 'Loading clusters…'
              : filtering
                ? `${visible.length} of ${rows.length} clusters`
                : `${rows.length} ${rows.length === 1 ? 'cluster' : 'clusters'}, updated live`}
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
            {loaded && visible.length === 0 ? (
              <NoClustersMatch onClear={clearFilters} />
            ) : (
              <ClusterTable
                rows={visible}
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
