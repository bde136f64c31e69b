import { Paper, Stack, Text, Title } from '@mantine/core';

import type { NavigationEntry } from '../navigation.ts';

/**
 * The page of a section whose features have not landed yet: it says what the section is for,
 * so the frame is navigable and honest while later issues fill it in.
 */
export function SectionPage({ entry }: { entry: NavigationEntry }) {
  return (
    <Stack gap="md">
      <Title order={2}>{entry.label}</Title>
      <Paper withBorder p="xl" radius="md">
        <Text>{entry.summary}</Text>
        <Text c="dimmed" size="sm" mt="xs">
          This section is not available in this version of Raydeck yet.
        </Text>
      </Paper>
    </Stack>
  );
}
