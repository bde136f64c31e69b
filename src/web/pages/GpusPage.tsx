import { Title } from '@mantine/core';

/** Placeholder until this page lands. */
export function GpusPage() {
  return <Title order={2}>GpusPage</Title>;
}
