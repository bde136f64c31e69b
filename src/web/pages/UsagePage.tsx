import { Skeleton, Stack, Title } from '@mantine/core';
import { lazy, Suspense } from 'react';

// The charts (recharts through @mantine/charts) load on first visit, outside the first load's
// budget (scripts/checkBundleSize.ts).
const UsageView = lazy(() =>
  import('./usage/UsageView.tsx').then((module) => ({ default: module.UsageView })),
);

function Loading() {
  return (
    <Stack gap="lg" aria-busy="true" aria-label="Loading usage">
      <Title order={2}>Usage</Title>
      <Skeleton h={320} radius="md" />
    </Stack>
  );
}

/** `/usage`: GPU-hours per team, user and cluster, idle GPU-hours, date ranges and CSV. */
export function UsagePage() {
  return (
    <Suspense fallback={<Loading />}>
      <UsageView />
    </Suspense>
  );
}
