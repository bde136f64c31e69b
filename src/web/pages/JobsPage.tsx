import { Alert, Button, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';

import { type JobListQuery, type JobPhase, jobPhases } from '../../shared/api/jobSchemas.ts';
import { useJobList } from '../hooks/useJobList.ts';
import { useSession } from '../session/SessionProvider.tsx';
import { useNow } from './clusters/useNow.ts';
import { PickField } from './jobs/JobFormFields.tsx';
import { JobTable } from './jobs/JobTable.tsx';

/** Debounce of the free-text inputs, in milliseconds. */
const typingDebounceMs = 250;

function isJobPhase(value: string): value is JobPhase {
  return jobPhases.some((phase) => phase === value);
}

/**
 * `/jobs`: every job the user may see, newest first, live. Filters (team, cluster, status, owner)
 * and the search live in the address (`?team=&cluster=&status=&owner=&q=`) so a view can be
 * linked; the server filters and pages, the virtualised table loads more as it scrolls.
 */
export function JobsPage() {
  const { user } = useSession();
  const now = useNow(10_000);
  const [params, setParams] = useSearchParams();
  const team = params.get('team') ?? '';
  const status = params.get('status') ?? '';
  const [cluster, setCluster] = useState(() => params.get('cluster') ?? '');
  const [owner, setOwner] = useState(() => params.get('owner') ?? '');
  const [search, setSearch] = useState(() => params.get('q') ?? '');
  const [typed] = useDebouncedValue({ cluster, owner, search }, typingDebounceMs);

  const setParam = (name: string, value: string) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );

  const view = useMemo<Omit<JobListQuery, 'limit' | 'cursor'>>(
    () => ({
      ...(team ? { team } : {}),
      ...(isJobPhase(status) ? { status } : {}),
      ...(typed.cluster.trim() ? { cluster: typed.cluster.trim() } : {}),
      ...(typed.owner.trim() ? { owner: typed.owner.trim() } : {}),
      ...(typed.search.trim() ? { q: typed.search.trim() } : {}),
    }),
    [team, status, typed],
  );
  const { query, rows, total } = useJobList(view);
  const filtered = Object.keys(view).length > 0;
  const teams = user?.teams ?? [];

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={2}>Jobs</Title>
          <Text size="sm" c="dimmed">
            Ray jobs of your teams: submitted here, with <code>ray job submit</code>, or as RayJobs.
            Their status and logs stay after the cluster is gone.
          </Text>
        </Stack>
        <Button component={Link} to="/jobs/new" leftSection={<IconPlus size={16} aria-hidden />}>
          Submit job
        </Button>
      </Group>
      <Group gap="sm" align="flex-end" wrap="wrap">
        <TextInput
          label="Search jobs"
          placeholder="Entrypoint, id, cluster, owner"
          leftSection={<IconSearch size={14} aria-hidden />}
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            setParam('q', event.currentTarget.value.trim());
          }}
          w={260}
        />
        <PickField
          label="Filter by team"
          placeholder="All teams"
          data={teams}
          value={team || null}
          onChange={(value) => setParam('team', value ?? '')}
          w={160}
        />
        <TextInput
          label="Filter by cluster"
          placeholder="Any cluster"
          value={cluster}
          onChange={(event) => {
            setCluster(event.currentTarget.value);
            setParam('cluster', event.currentTarget.value.trim());
          }}
          w={160}
        />
        <PickField
          label="Filter by status"
          placeholder="Any status"
          data={[...jobPhases]}
          value={isJobPhase(status) ? status : null}
          onChange={(value) => setParam('status', value ?? '')}
          w={150}
        />
        <TextInput
          label="Filter by owner"
          placeholder="Anyone"
          value={owner}
          onChange={(event) => {
            setOwner(event.currentTarget.value);
            setParam('owner', event.currentTarget.value.trim());
          }}
          w={140}
        />
      </Group>
      {query.isError && (
        <Alert color="red" variant="light" title="Could not load jobs" role="alert">
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{query.error.message}</Text>
            <Button size="xs" variant="light" color="red" onClick={() => void query.refetch()}>
              Try again
            </Button>
          </Stack>
        </Alert>
      )}
      {!query.isPending && !query.isError && rows.length === 0 ? (
        <Text c="dimmed" p="md">
          {filtered
            ? 'No jobs match these filters.'
            : 'No jobs yet. Submit one, or run a sample workload from the catalog.'}
        </Text>
      ) : (
        <>
          <Text size="xs" c="dimmed" aria-live="polite">
            {query.isPending ? 'Loading jobs…' : `${total.toLocaleString('en-US')} jobs`}
          </Text>
          <JobTable
            rows={rows}
            total={total}
            now={now}
            loading={query.isPending}
            onNeedMore={
              query.hasNextPage && !query.isFetchingNextPage
                ? () => void query.fetchNextPage()
                : undefined
            }
          />
        </>
      )}
    </Stack>
  );
}
