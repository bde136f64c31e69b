import { Title } from '@mantine/core';

/** Placeholder until this page lands. */
export function TemplatesPage() {
  return <Title order={2}>TemplatesPage</Title>;
}
