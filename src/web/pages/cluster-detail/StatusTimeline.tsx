import { Paper, Stack, Text, Timeline, Title } from '@mantine/core';
import {
  IconAlertTriangle,
  IconCircleCheck,
  IconCircleDot,
  IconCircleX,
  type TablerIcon,
} from '@tabler/icons-react';
import { useId } from 'react';

import { formatAge, formatTimestamp } from '../clusters/formatAge.ts';
import type { TimelineEntry, TimelineTone } from './clusterTimeline.ts';

const toneLooks: Record<TimelineTone, { icon: TablerIcon; color: string }> = {
  done: { icon: IconCircleCheck, color: 'green' },
  info: { icon: IconCircleDot, color: 'blue' },
  warning: { icon: IconAlertTriangle, color: 'orange' },
  failure: { icon: IconCircleX, color: 'red' },
};

/** "Timeline": the cluster's moments, oldest first, each with its age and exact time. */
export function StatusTimeline({ entries, now }: { entries: TimelineEntry[]; now: number }) {
  const headingId = useId();
  return (
    <Paper component="section" aria-labelledby={headingId} withBorder radius="md" p="md">
      <Stack gap="md">
        <Title order={3} size="h4" id={headingId}>
          Timeline
        </Title>
        {entries.length === 0 ? (
          <Text size="sm" c="dimmed">
            Nothing has happened yet.
          </Text>
        ) : (
          <Timeline active={entries.length - 1} bulletSize={20} lineWidth={2}>
            {entries.map((entry, index) => {
              const look = toneLooks[entry.tone];
              const Icon = look.icon;
              return (
                <Timeline.Item
                  key={`${entry.at}/${entry.title}/${index}`}
                  color={look.color}
                  bullet={<Icon size={14} aria-hidden />}
                  title={
                    <Text size="sm" fw={600}>
                      {entry.title}
                    </Text>
                  }
                >
                  {entry.detail && (
                    <Text size="xs" c="dimmed" style={{ wordBreak: 'break-word' }} lineClamp={3}>
                      {entry.detail}
                    </Text>
                  )}
                  <Text size="xs" c="dimmed" title={formatTimestamp(entry.at)}>
                    {formatAge(entry.at, now)} ago
                  </Text>
                </Timeline.Item>
              );
            })}
          </Timeline>
        )}
      </Stack>
    </Paper>
  );
}
