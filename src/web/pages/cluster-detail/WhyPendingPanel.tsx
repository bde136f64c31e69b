import { Badge, Group, Paper, Stack, Text, ThemeIcon, Title, Tooltip } from '@mantine/core';
import {
  IconAlertTriangle,
  IconBug,
  IconCalendarX,
  IconFileAlert,
  IconGauge,
  IconInfoCircle,
  IconPhotoX,
  IconSettings,
  type TablerIcon,
} from '@tabler/icons-react';
import { useId } from 'react';

import type {
  CauseSource,
  GroupExplanation,
  GroupState,
} from '../../../shared/ray/explainCluster.ts';

/** Icon and name of each cause source: where the reason was read from. */
const sourceLooks: Record<CauseSource, { icon: TablerIcon; label: string; color: string }> = {
  scheduler: { icon: IconCalendarX, label: 'Scheduler', color: 'orange' },
  quota: { icon: IconGauge, label: 'Quota', color: 'grape' },
  image: { icon: IconPhotoX, label: 'Image', color: 'red' },
  crash: { icon: IconBug, label: 'Crash', color: 'red' },
  operator: { icon: IconSettings, label: 'KubeRay operator', color: 'blue' },
  spec: { icon: IconFileAlert, label: 'Cluster spec', color: 'red' },
  condition: { icon: IconInfoCircle, label: 'Condition', color: 'gray' },
};

const stateLooks: Record<GroupState, { label: string; color: string }> = {
  ok: { label: 'Ready', color: 'green' },
  waiting: { label: 'Starting', color: 'blue' },
  blocked: { label: 'Blocked', color: 'orange' },
  failing: { label: 'Failing', color: 'red' },
};

/**
 * Ends a cause clause with a period. The first letter stays as written: clauses often start
 * with a name (`team-b's quota…`) that must not be capitalised.
 */
function asSentence(clause: string): string {
  const text = clause.trim();
  return !text || /[.!?]$/.test(text) ? text : `${text}.`;
}

/**
 * Kubernetes' own words under a cause, once per panel: one scheduler message is often parsed
 * into several causes (and shared by several groups), so it is shown under the last cause of
 * the first group that has it.
 */
function detailsToShow(groups: readonly GroupExplanation[]): Set<string> {
  const shown = new Set<string>();
  const keep = new Set<string>();
  for (const group of groups) {
    group.causes.forEach((cause, index) => {
      const detail = cause.detail;
      if (!detail || detail === cause.message || shown.has(detail)) return;
      const later = group.causes.slice(index + 1).some((next) => next.detail === detail);
      if (later) return;
      shown.add(detail);
      keep.add(`${group.group}/${index}`);
    });
  }
  return keep;
}

function GroupExplanationView({
  group,
  details,
}: {
  group: GroupExplanation;
  /** `group/causeIndex` of the causes whose detail is shown. */
  details: ReadonlySet<string>;
}) {
  const state = stateLooks[group.state];
  return (
    <Stack gap={6}>
      <Group gap="xs" wrap="wrap">
        <Text fw={600}>{group.kind === 'head' ? 'Head' : group.group}</Text>
        <Badge variant="light" color={state.color} tt="none" c="bright">
          {state.label}
        </Badge>
        <Text size="sm" c="dimmed">
          {group.ready} of {group.desired} ready
          {group.pending > 0 ? `, ${group.pending} pending` : ''}
          {group.failing > 0 ? `, ${group.failing} failing` : ''}
          {group.notCreated > 0 ? `, ${group.notCreated} not created` : ''}
        </Text>
      </Group>
      <Text size="sm">{group.summary}</Text>
      {group.causes.length > 0 && (
        <Stack gap={6} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
          {group.causes.map((cause, index) => {
            const look = sourceLooks[cause.source] ?? sourceLooks.condition;
            const Icon = look.icon;
            return (
              <Group key={index} component="li" gap="xs" wrap="nowrap" align="flex-start">
                <Tooltip label={look.label} withArrow>
                  <ThemeIcon variant="light" color={look.color} size="sm" radius="xl">
                    <Icon size={14} aria-label={look.label} role="img" />
                  </ThemeIcon>
                </Tooltip>
                <Stack gap={2} miw={0}>
                  <Text size="sm">{asSentence(cause.message)}</Text>
                  {cause.detail && details.has(`${group.group}/${index}`) && (
                    <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: 'break-word' }}>
                      {cause.detail}
                    </Text>
                  )}
                </Stack>
              </Group>
            );
          })}
        </Stack>
      )}
    </Stack>
  );
}

/**
 * The "Why pending" panel: for each group (head first) its state, ready count, the
 * explanation's summary sentence, and each cause with an icon for where it was read (scheduler,
 * quota, image, crash…), with Kubernetes' own words below (each message once). Groups that are fine are listed too,
 * so the reader sees the whole cluster. Falls back to the phase's reason when nothing is
 * explained.
 */
export function WhyPendingPanel({
  explanation,
  reason,
  title = 'Why pending',
}: {
  explanation: readonly GroupExplanation[];
  reason: string;
  /** The panel's heading (and region name), e.g. `Why still scaling` for a Scaling cluster. */
  title?: string;
}) {
  const headingId = useId();
  const groups = [...explanation].sort(
    (left, right) => Number(right.kind === 'head') - Number(left.kind === 'head'),
  );
  const details = detailsToShow(groups);
  return (
    <Paper component="section" aria-labelledby={headingId} withBorder radius="md" p="md">
      <Stack gap="md">
        <Group gap="xs">
          <IconAlertTriangle size={18} aria-hidden color="var(--mantine-color-orange-6)" />
          <Title order={3} size="h4" id={headingId}>
            {title}
          </Title>
        </Group>
        {groups.length === 0 ? (
          <Text size="sm">{reason || 'The operator has not reported on this cluster yet.'}</Text>
        ) : (
          groups.map((group) => (
            <GroupExplanationView key={group.group} group={group} details={details} />
          ))
        )}
      </Stack>
    </Paper>
  );
}
