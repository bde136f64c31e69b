import { Title } from '@mantine/core';

/** Placeholder until this page lands. */
export function AdminPage() {
  return <Title order={2}>AdminPage</Title>;
}
