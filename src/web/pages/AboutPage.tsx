import { Title } from '@mantine/core';

/** Placeholder until this page lands. */
export function AboutPage() {
  return <Title order={2}>AboutPage</Title>;
}
