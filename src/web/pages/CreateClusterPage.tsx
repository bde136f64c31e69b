import { Group, SimpleGrid, Skeleton, Stack, Title } from '@mantine/core';
import { lazy, Suspense } from 'react';

// The wizard (stepper, forms, YAML editor) loads on first visit, outside the first load's budget.
const CreateClusterWizard = lazy(() =>
  import('./create-cluster/CreateClusterWizard.tsx').then((module) => ({
    default: module.CreateClusterWizard,
  })),
);

function Loading() {
  return (
    <Stack gap="lg" aria-busy="true" aria-label="Loading the wizard">
      <Title order={2}>New cluster</Title>
      <Group gap="xl">
        {[0, 1, 2].map((step) => (
          <Skeleton key={step} h={36} w={160} radius="xl" />
        ))}
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {[0, 1, 2].map((card) => (
          <Skeleton key={card} h={210} radius="md" />
        ))}
      </SimpleGrid>
    </Stack>
  );
}

/**
 * `/clusters/new`: the create-cluster wizard — pick a template (with whether it fits now), shape
 * the cluster, preview the server's YAML, create once per attempt, then open the new cluster.
 */
export function CreateClusterPage() {
  return (
    <Suspense fallback={<Loading />}>
      <CreateClusterWizard />
    </Suspense>
  );
}
