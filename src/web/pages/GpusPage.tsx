import { Skeleton, Stack, Title } from '@mantine/core';
import { lazy, Suspense } from 'react';

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
 * and schedulability — with the cluster's total as a chart; live on `inventory` stream events.
 */
export function GpusPage() {
  return (
    <Suspense fallback={<Loading />}>
      <GpuInventoryView />
    </Suspense>
  );
}
