import { Title } from '@mantine/core';

/** Placeholder until this page lands. */
export function ClusterDetailPage() {
  return <Title order={2}>ClusterDetailPage</Title>;
}
