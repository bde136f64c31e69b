import { Paper, Skeleton, Stack, Title } from '@mantine/core';
import { lazy, Suspense } from 'react';

import { TeamQuotaMeters } from '../components/TeamQuotaMeters.tsx';
import { useSession } from '../session/SessionProvider.tsx';

// The inventory (tables, ring chart, meters) loads on first visit, outside the first load's budget.
const GpuInventoryView = lazy(() =>
  import('./gpus/GpuInventoryView.tsx').then((module) => ({ default: module.GpuInventoryView })),
);

function Loading() {
  return (
    <Stack gap="lg" aria-busy="true" aria-label="Loading the GPU inventory">
      <Title order={2}>GPUs</Title>
      <Skeleton h={180} radius="md" />
      <Skeleton h={220} radius="md" />
    </Stack>
  );
}

/**
 * `/gpus`: the GPU inventory per node and product — used and free bars, who holds what, taints
 * and schedulability — with the cluster's total as a chart; live on `inventory` stream events;
 * below it the current team's quota meters.
 */
export function GpusPage() {
  const { team } = useSession();
  return (
    <Stack gap="lg">
      <Suspense fallback={<Loading />}>
        <GpuInventoryView />
      </Suspense>
      {team && (
        <Paper withBorder p="lg" radius="md" component="section" aria-label="Team quota">
          <Title order={3} size="h4" mb="md">
            Quota of {team}
          </Title>
          <TeamQuotaMeters team={team} />
        </Paper>
      )}
    </Stack>
  );
}
