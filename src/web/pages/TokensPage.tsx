import { Title } from '@mantine/core';

/** Placeholder until this page lands. */
export function TokensPage() {
  return <Title order={2}>TokensPage</Title>;
}
