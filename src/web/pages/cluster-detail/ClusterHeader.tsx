import { Anchor, Breadcrumbs, Button, Group, Stack, Text, Title } from '@mantine/core';
import { IconExternalLink, IconPlayerPause, IconPlayerPlay, IconTrash } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useId } from 'react';
import { Link } from 'react-router-dom';

import type { ClusterSummary } from '../../../shared/api/clusterSchemas.ts';
import { type ClusterPhase, headlessPhases } from '../../../shared/ray/clusterPhase.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { StatusChip } from '../../components/StatusChip.tsx';
import { formatAge, formatTimestamp } from '../clusters/formatAge.ts';
import { formatGpus } from '../clusters/formatGpus.ts';

/** The Ray dashboard through Raydeck's authenticating proxy (a path of this portal). */
export function dashboardPath(team: string, name: string): string {
  return `/api/v1/clusters/${encodeURIComponent(team)}/${encodeURIComponent(name)}/dashboard/`;
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Text size="sm" span>
      <Text span c="dimmed" size="sm">
        {label}{' '}
      </Text>
      {children}
    </Text>
  );
}

/** Why a cluster in `phase` has no dashboard to open, or undefined when it may have one. */
export function dashboardUnavailableReason(phase: ClusterPhase): string | undefined {
  if (!headlessPhases.has(phase)) return undefined;
  switch (phase) {
    case 'Queued':
      return 'No dashboard while queued: the head starts when Kueue admits the cluster.';
    case 'Suspending':
      return 'No dashboard while suspending: the head is being stopped.';
    case 'Suspended':
      return 'No dashboard while suspended: resume the cluster to start its head.';
    default:
      return 'No dashboard: the cluster is being deleted.';
  }
}

/** Props of {@link ClusterHeader}. */
export interface ClusterHeaderProps {
  summary: ClusterSummary;
  /** Whether `spec.suspend` is set: offer Resume instead of Suspend. */
  suspended: boolean;
  canChange: boolean;
  now: number;
  onSuspend: () => Promise<void>;
  onResume: () => Promise<void>;
  onDelete: () => Promise<void>;
}

/**
 * The cluster page's header: breadcrumbs, the name as the page heading, the phase chip
 * (`data-testid="cluster-phase"`) and its reason, key facts, and the actions: "Open Ray
 * dashboard" (new tab, through the proxy), Suspend or Resume, and Delete, each confirmed.
 */
export function ClusterHeader({
  summary,
  suspended,
  canChange,
  now,
  onSuspend,
  onResume,
  onDelete,
}: ClusterHeaderProps) {
  const { namespace: team, name } = summary;
  const deleting = summary.phase === 'Deleting';
  const readOnlyHint = canChange ? undefined : 'You cannot change clusters of this team';
  const noDashboard = dashboardUnavailableReason(summary.phase);
  const noDashboardId = useId();
  const parked = summary.phase === 'Suspended' || summary.phase === 'Suspending';
  return (
    <Stack gap="xs">
      <Breadcrumbs>
        <Anchor component={Link} to="/clusters" size="sm">
          Clusters
        </Anchor>
        <Anchor component={Link} to={`/clusters?team=${encodeURIComponent(team)}`} size="sm">
          {team}
        </Anchor>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-start" gap="md">
        <Stack gap={4} miw={0}>
          <Group gap="sm" wrap="wrap">
            <Title order={2} style={{ wordBreak: 'break-all' }}>
              {name}
            </Title>
            <StatusChip phase={summary.phase} size="lg" data-testid="cluster-phase" />
          </Group>
          {summary.reason && (
            <Text size="sm" c="dimmed" data-testid="cluster-reason">
              {summary.reason}
            </Text>
          )}
          {noDashboard && (
            <Text size="xs" c="dimmed" id={noDashboardId}>
              {noDashboard}
            </Text>
          )}
        </Stack>
        <Group gap="sm">
          {noDashboard ? (
            <Button
              disabled
              aria-describedby={noDashboardId}
              title={noDashboard}
              leftSection={<IconExternalLink size={16} aria-hidden />}
            >
              Open Ray dashboard
            </Button>
          ) : (
            <Button
              component="a"
              href={dashboardPath(team, name)}
              target="_blank"
              rel="noopener noreferrer"
              leftSection={<IconExternalLink size={16} aria-hidden />}
            >
              Open Ray dashboard
            </Button>
          )}
          {suspended ? (
            <ConfirmButton
              variant="default"
              leftSection={<IconPlayerPlay size={16} aria-hidden />}
              disabled={!canChange || deleting}
              title={readOnlyHint}
              confirmLabel="Resume cluster"
              dialogTitle={`Resume ${name}?`}
              message="The operator creates the head and worker pods again. GPUs are taken from the team's quota as the workers start."
              onConfirm={onResume}
            >
              Resume
            </ConfirmButton>
          ) : (
            <ConfirmButton
              variant="default"
              leftSection={<IconPlayerPause size={16} aria-hidden />}
              disabled={!canChange || deleting}
              title={readOnlyHint}
              confirmLabel="Suspend cluster"
              dialogTitle={`Suspend ${name}?`}
              message="Every pod of the cluster is deleted and its GPUs are freed; the cluster and its settings stay, so you can resume it later. Running jobs and anything kept only in memory are lost."
              onConfirm={onSuspend}
            >
              Suspend
            </ConfirmButton>
          )}
          <ConfirmButton
            color="red"
            variant="light"
            leftSection={<IconTrash size={16} aria-hidden />}
            disabled={!canChange || deleting}
            title={readOnlyHint}
            confirmLabel="Delete cluster"
            confirmColor="red.8"
            dialogTitle={`Delete ${team}/${name}?`}
            message="The cluster, its pods and its services are deleted and its GPUs freed. Running jobs stop. This cannot be undone."
            onConfirm={onDelete}
          >
            Delete
          </ConfirmButton>
        </Group>
      </Group>
      <Group gap="lg" wrap="wrap">
        <Fact label="Team">{team}</Fact>
        <Fact label="Owner">
          {summary.owner ?? (summary.origin === 'external' ? 'external' : '—')}
        </Fact>
        <Fact label="Template">{summary.template ?? '—'}</Fact>
        {summary.rayVersion && <Fact label="Ray">{summary.rayVersion}</Fact>}
        <Fact label="Workers">
          {parked
            ? summary.phase.toLowerCase()
            : `${summary.workers.ready}/${summary.workers.desired} ready`}
        </Fact>
        <Fact label="GPUs">{formatGpus(summary.gpus)}</Fact>
        <Fact label="Created">
          <span title={formatTimestamp(summary.createdAt)}>
            {formatAge(summary.createdAt, now)} ago
          </span>
        </Fact>
      </Group>
    </Stack>
  );
}
