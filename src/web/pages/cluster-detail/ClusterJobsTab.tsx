import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useMemo } from 'react';
import { Link } from 'react-router-dom';

import { useJobList } from '../../hooks/useJobList.ts';
import { useNow } from '../clusters/useNow.ts';
import { JobTable } from '../jobs/JobTable.tsx';

/**
 * The Jobs tab of a cluster page: the cluster's jobs, newest first, live like the jobs list,
 * with a button that opens the submit form with this cluster picked.
 */
export function ClusterJobsTab({ team, name }: { team: string; name: string }) {
  const now = useNow(10_000);
  const view = useMemo(() => ({ team, cluster: name }), [team, name]);
  const { query, rows, total } = useJobList(view);
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {query.isPending ? 'Loading jobs…' : `${total} jobs on this cluster`}
        </Text>
        <Button
          size="xs"
          component={Link}
          to={`/jobs/new?tab=cluster&cluster=${encodeURIComponent(name)}`}
          leftSection={<IconPlus size={14} aria-hidden />}
        >
          Submit job here
        </Button>
      </Group>
      {query.isError && (
        <Alert color="red" variant="light" role="alert" title="Could not load this cluster’s jobs">
          {query.error.message}
        </Alert>
      )}
      {!query.isError && (
        <JobTable
          rows={rows}
          total={total}
          now={now}
          loading={query.isPending}
          label={`Jobs on ${name}`}
          onNeedMore={
            query.hasNextPage && !query.isFetchingNextPage
              ? () => void query.fetchNextPage()
              : undefined
          }
        />
      )}
    </Stack>
  );
}
