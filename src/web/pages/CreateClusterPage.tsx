import { Title } from '@mantine/core';

/** Placeholder until this page lands. */
export function CreateClusterPage() {
  return <Title order={2}>CreateClusterPage</Title>;
}
