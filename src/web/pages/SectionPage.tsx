import { Badge, Card, Code, EmptyState, Group, List, Stack, Text, Title } from '@mantine/core';
import { IconListCheck, IconRocket } from '@tabler/icons-react';

import type { NavigationEntry } from '../navigation.ts';

/**
 * The page of a section whose features have not landed yet (Jobs, Services). It says so
 * plainly, lists what the section will hold (from the entry's `upcoming`), and shows how to do
 * the same today from a shell, so the navigation is honest and still teaches.
 */
export function SectionPage({ entry }: { entry: NavigationEntry }) {
  const upcoming = entry.upcoming;
  const Icon = entry.path === '/services' ? IconRocket : IconListCheck;
  return (
    <Stack gap="lg">
      <div>
        <Group gap="sm">
          <Title order={2}>{entry.label}</Title>
          <Badge variant="light" color="gray">
            Coming soon
          </Badge>
        </Group>
        <Text c="dimmed" size="sm">
          {entry.summary}
        </Text>
      </div>
      <Card withBorder radius="md" p="xl">
        <EmptyState
          icon={<Icon size={32} aria-hidden />}
          withIndicatorBackground
          title={`${entry.label} arrive with their own issue`}
          description={
            upcoming
              ? `This version of Raydeck does not have this section yet; it arrives with “${upcoming.issue}”.`
              : 'This version of Raydeck does not have this section yet.'
          }
        />
        {upcoming && (
          <Stack gap="md" maw={720} mx="auto" mt="lg">
            <div>
              <Title order={3} size="h5" mb="xs">
                What will be here
              </Title>
              <List size="sm" spacing={6}>
                {upcoming.features.map((feature) => (
                  <List.Item key={feature}>{feature}</List.Item>
                ))}
              </List>
            </div>
            <div>
              <Title order={3} size="h5" mb="xs">
                Today
              </Title>
              <Text size="sm" mb="xs">
                {upcoming.meanwhile.caption}
              </Text>
              <Code block fz="xs">
                {upcoming.meanwhile.command}
              </Code>
              <Text size="xs" c="dimmed" mt="xs">
                Create an API token under Account → API tokens for <Code>$RAYDECK_TOKEN</Code>.
              </Text>
            </div>
          </Stack>
        )}
      </Card>
    </Stack>
  );
}
