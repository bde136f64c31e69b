import { Title } from '@mantine/core';

/** Placeholder until this page lands. */
export function LoginPage() {
  return <Title order={2}>LoginPage</Title>;
}
