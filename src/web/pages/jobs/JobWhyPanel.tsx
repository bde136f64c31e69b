import { Badge, Group, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import {
  IconAlertTriangle,
  IconBox,
  IconCalendarX,
  IconClockPause,
  IconCloudOff,
  IconFileAlert,
  IconGauge,
  IconPlayerPause,
  IconRobotOff,
  type TablerIcon,
} from '@tabler/icons-react';
import { useId } from 'react';

import type { JobPhase, JobStatus, JobWhy } from '../../../shared/api/jobSchemas.ts';

/** Label, icon and colour of each "why" code, worded as the clusters' "why pending" is. */
const whyLooks: Record<JobWhy['code'], { label: string; icon: TablerIcon; color: string }> = {
  'waiting-for-cluster': { label: 'Waiting for the cluster', icon: IconClockPause, color: 'blue' },
  'pending-resources': { label: 'Pending on resources', icon: IconGauge, color: 'orange' },
  'runtime-env': { label: 'Runtime environment', icon: IconBox, color: 'blue' },
  'submitter-failed': { label: 'Submitter failed', icon: IconRobotOff, color: 'red' },
  'deadline-exceeded': { label: 'Deadline exceeded', icon: IconCalendarX, color: 'red' },
  'validation-failed': { label: 'RayJob not valid', icon: IconFileAlert, color: 'red' },
  suspended: { label: 'Queued (suspended)', icon: IconPlayerPause, color: 'grape' },
  'cluster-gone': { label: 'Cluster gone', icon: IconCloudOff, color: 'gray' },
  failed: { label: 'Job failed', icon: IconAlertTriangle, color: 'red' },
};

/** The panel's title for the job's phase. */
export function whyTitle(phase: JobPhase): string {
  if (phase === 'Failed') return 'Why it failed';
  if (phase === 'Stopped' || phase === 'Lost') return 'Why it ended';
  return 'Why is it not running';
}

function asSentence(text: string): string {
  const trimmed = text.trim();
  return !trimmed || /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/**
 * "Why is it not running" (or why it failed): the server's one plain sentence with what kind of
 * cause it is, then Ray's or KubeRay's own reason and message verbatim, so nothing is lost in the
 * rewording.
 */
export function JobWhyPanel({ why, status }: { why: JobWhy; status: JobStatus }) {
  const titleId = useId();
  const look = whyLooks[why.code];
  const Icon = look.icon;
  const verbatim = [status.reason, status.message].filter(
    (part): part is string => !!part && part !== why.message,
  );
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby={titleId}>
      <Stack gap="sm">
        <Title order={3} size="h4" id={titleId}>
          {whyTitle(status.phase)}
        </Title>
        <Group gap="sm" wrap="nowrap" align="flex-start">
          <ThemeIcon variant="light" color={look.color} size="lg" aria-hidden>
            <Icon size={18} />
          </ThemeIcon>
          <Stack gap={4}>
            <Badge variant="light" color={look.color} tt="none" c="bright" w="fit-content">
              {look.label}
            </Badge>
            <Text size="sm" data-testid="job-why">
              {asSentence(why.message)}
            </Text>
            {verbatim.length > 0 && (
              <Text size="xs" c="dimmed" ff="monospace">
                {verbatim.join(': ')}
              </Text>
            )}
          </Stack>
        </Group>
      </Stack>
    </Paper>
  );
}
