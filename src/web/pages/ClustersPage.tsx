import { Title } from '@mantine/core';

/** Placeholder until this page lands. */
export function ClustersPage() {
  return <Title order={2}>ClustersPage</Title>;
}
