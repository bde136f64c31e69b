import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Grid,
  Group,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  Timeline,
  Title,
} from '@mantine/core';
import { IconArrowLeft, IconPencil } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';

import { type JobDetail, terminalJobPhases } from '../../shared/api/jobSchemas.ts';
import { ApiError } from '../../shared/client/ApiError.ts';
import { ConfirmButton } from '../components/ConfirmButton.tsx';
import { LogViewer } from '../components/LogViewer.tsx';
import { useApiClient } from '../hooks/useApiClient.ts';
import { jobDetailKey, type JobStreamState, useJobStream } from '../hooks/useJobStream.ts';
import { useSession } from '../session/SessionProvider.tsx';
import { formatAge, formatTimestamp } from './clusters/formatAge.ts';
import { useNow } from './clusters/useNow.ts';
import { formatBytes, formatGpuHours, jobDuration, jobTitle } from './jobs/formatJob.ts';
import { JobPhaseBadge } from './jobs/JobPhaseBadge.tsx';
import { JobWhyPanel } from './jobs/JobWhyPanel.tsx';

const streamLooks: Record<JobStreamState, { label: string; color: string }> = {
  connecting: { label: 'Connecting', color: 'gray' },
  live: { label: 'Live', color: 'blue' },
  reconnecting: { label: 'Reconnecting', color: 'orange' },
  ended: { label: 'Complete', color: 'green' },
};

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </Stack>
  );
}

function NotFound({ team, id }: { team: string; id: string }) {
  return (
    <Paper withBorder radius="md" p="xl">
      <Stack gap="sm" align="flex-start">
        <Title order={2}>Job not found</Title>
        <Text>
          There is no job {team}/{id} that you can see: it was deleted, or it is not in your teams.
        </Text>
        <Button component={Link} to="/jobs" leftSection={<IconArrowLeft size={16} aria-hidden />}>
          Back to jobs
        </Button>
      </Stack>
    </Paper>
  );
}

/** What the job was submitted with: runtime env, entrypoint resources, RayJob lifecycle. */
function Submitted({ detail }: { detail: JobDetail }) {
  const { summary, entrypointResources, lifecycle } = detail;
  const env = summary.runtimeEnv;
  const resources = [
    entrypointResources.numCpus !== undefined ? `${entrypointResources.numCpus} CPU` : '',
    entrypointResources.numGpus !== undefined ? `${entrypointResources.numGpus} GPU` : '',
    entrypointResources.memoryBytes !== undefined
      ? formatBytes(entrypointResources.memoryBytes)
      : '',
    ...Object.entries(entrypointResources.resources ?? {}).map(
      ([name, value]) => `${value} ${name}`,
    ),
  ].filter(Boolean);
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label="Submitted with">
      <Stack gap="sm">
        <Title order={3} size="h4">
          Submitted with
        </Title>
        <Fact label="Entrypoint">
          <Code block>{summary.entrypoint}</Code>
        </Fact>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Fact label="Working dir">{env.workingDir ?? '—'}</Fact>
          <Fact label="pip">{env.pip.length ? env.pip.join(', ') : '—'}</Fact>
          <Fact label="Environment variables">
            {env.envVarNames.length ? env.envVarNames.join(', ') : '—'}
          </Fact>
          <Fact label="Entrypoint resources">{resources.length ? resources.join(', ') : '—'}</Fact>
          {summary.submissionId && <Fact label="Submission id">{summary.submissionId}</Fact>}
          {summary.template && <Fact label="Template">{summary.template}</Fact>}
          {summary.catalogId && <Fact label="Catalog workload">{summary.catalogId}</Fact>}
          {lifecycle && (
            <Fact label="Lifecycle">
              {[
                lifecycle.shutdownAfterJobFinishes === false
                  ? 'cluster kept after the end'
                  : 'cluster deleted after the end',
                lifecycle.ttlSecondsAfterFinished !== undefined
                  ? `TTL ${lifecycle.ttlSecondsAfterFinished}s`
                  : '',
                lifecycle.activeDeadlineSeconds !== undefined
                  ? `deadline ${lifecycle.activeDeadlineSeconds}s`
                  : '',
                lifecycle.backoffLimit !== undefined ? `${lifecycle.backoffLimit} retries` : '',
              ]
                .filter(Boolean)
                .join(', ')}
            </Fact>
          )}
        </SimpleGrid>
      </Stack>
    </Paper>
  );
}

/** Every status the portal saw, oldest first, with Ray's and KubeRay's own words. */
function JobTimeline({ detail, now }: { detail: JobDetail; now: number }) {
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label="Status timeline">
      <Stack gap="sm">
        <Title order={3} size="h4">
          Status timeline
        </Title>
        {detail.timeline.length === 0 ? (
          <Text size="sm" c="dimmed">
            No status seen yet.
          </Text>
        ) : (
          <Timeline bulletSize={14} lineWidth={2} active={detail.timeline.length - 1}>
            {detail.timeline.map((entry, index) => (
              <Timeline.Item
                key={`${entry.at}-${index}`}
                title={
                  <Group gap="xs">
                    <Text size="sm" fw={600}>
                      {entry.status.phase}
                    </Text>
                    {entry.status.rayStatus && (
                      <Badge size="xs" variant="outline" tt="none" c="bright">
                        Ray {entry.status.rayStatus}
                      </Badge>
                    )}
                    {entry.status.deploymentStatus && (
                      <Badge size="xs" variant="outline" tt="none" c="bright">
                        KubeRay {entry.status.deploymentStatus}
                      </Badge>
                    )}
                  </Group>
                }
              >
                <Text size="xs" c="dimmed" title={formatTimestamp(entry.at)}>
                  {formatAge(entry.at, now)} ago
                </Text>
                {(entry.status.reason || entry.status.message) && (
                  <Text size="xs">
                    {[entry.status.reason, entry.status.message].filter(Boolean).join(': ')}
                  </Text>
                )}
              </Timeline.Item>
            ))}
          </Timeline>
        )}
      </Stack>
    </Paper>
  );
}

/**
 * `/jobs/:team/:id`: one job, live and after its cluster is gone. Header with phase and actions
 * (stop and delete ask first; resubmit opens the submit form filled in), "why is it not running"
 * when the server explains a wait or failure, what it was submitted with, its status timeline,
 * and its log following live over the job's stream, then complete from the stored copy.
 */
export function JobDetailPage() {
  const { team = '', id = '' } = useParams();
  const client = useApiClient();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { user } = useSession();
  const now = useNow(5_000);
  const job = useQuery({
    queryKey: jobDetailKey(team, id),
    queryFn: () => client.getJob(team, id),
    retry: (failures, error) =>
      !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
  });
  const stream = useJobStream(team, id);

  if (job.error instanceof ApiError && job.error.status === 404) {
    return <NotFound team={team} id={id} />;
  }
  const detail = job.data;
  if (!detail) {
    if (job.isError) {
      return (
        <Stack gap="md">
          <Title order={2}>{id}</Title>
          <Alert color="red" variant="light" title="Could not load this job" role="alert">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">{job.error.message}</Text>
              <Button size="xs" variant="light" color="red" onClick={() => void job.refetch()}>
                Try again
              </Button>
            </Stack>
          </Alert>
        </Stack>
      );
    }
    return (
      <Stack gap="md" aria-busy="true">
        <Title order={2}>{id}</Title>
        <Skeleton height={120} radius="md" />
        <Skeleton height={360} radius="md" />
      </Stack>
    );
  }

  const { summary } = detail;
  const title = jobTitle(summary);
  const terminal = terminalJobPhases.includes(summary.status.phase);
  const canChange =
    user?.role === 'admin' || (user?.role === 'member' && user.teams.includes(team));
  const look = streamLooks[stream.state];
  const stop = async () => {
    await client.stopJob(team, id);
    await queryClient.invalidateQueries({ queryKey: jobDetailKey(team, id), exact: true });
  };
  const remove = async () => {
    await client.deleteJob(team, id);
    queryClient.removeQueries({ queryKey: jobDetailKey(team, id), exact: true });
    await queryClient.invalidateQueries({ queryKey: ['jobs'] });
    navigate('/jobs');
  };

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Anchor component={Link} to="/jobs" size="sm">
            ← Jobs
          </Anchor>
          <Group gap="sm">
            <Title order={2}>{title}</Title>
            <JobPhaseBadge phase={summary.status.phase} size="lg" data-testid="job-phase" />
          </Group>
          <Text size="sm" c="dimmed">
            {summary.kind === 'rayjob' ? 'RayJob' : 'Ray job submission'} in {summary.team}
            {summary.cluster ? (
              <>
                {' on '}
                {summary.clusterGone ? (
                  `${summary.cluster} (cluster gone)`
                ) : (
                  <Anchor
                    component={Link}
                    to={`/clusters/${encodeURIComponent(summary.team)}/${encodeURIComponent(summary.cluster)}`}
                    size="sm"
                    // Inside a sentence a link needs more than colour to stand out (WCAG 1.4.1).
                    underline="always"
                  >
                    {summary.cluster}
                  </Anchor>
                )}
              </>
            ) : null}
            {summary.owner ? `, by ${summary.owner}` : ', submitted outside Raydeck'}
          </Text>
        </Stack>
        {canChange && (
          <Group gap="xs">
            {summary.origin === 'raydeck' && (
              <Button
                variant="default"
                leftSection={<IconPencil size={16} aria-hidden />}
                component={Link}
                to={`/jobs/new?resubmit=${encodeURIComponent(`${team}/${id}`)}`}
              >
                Resubmit
              </Button>
            )}
            {!terminal && (
              <ConfirmButton
                variant="default"
                color="orange"
                dialogTitle={`Stop ${title}?`}
                message="Ray stops the job's entrypoint and its tasks. Its log and record stay."
                confirmLabel="Stop job"
                confirmColor="orange"
                onConfirm={stop}
              >
                Stop
              </ConfirmButton>
            )}
            <ConfirmButton
              variant="default"
              color="red"
              dialogTitle={`Delete ${title}?`}
              message={
                terminal
                  ? 'The job record and its stored log are deleted for good.'
                  : 'The job is stopped, then its record and stored log are deleted for good.'
              }
              confirmLabel="Delete job"
              confirmColor="red"
              onConfirm={remove}
            >
              Delete
            </ConfirmButton>
          </Group>
        )}
      </Group>
      {job.isError && (
        <Alert color="orange" variant="light" role="alert">
          Showing the last known state: {job.error.message}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
        <Fact label="Created">
          <span title={formatTimestamp(summary.createdAt)}>
            {formatAge(summary.createdAt, now)} ago
          </span>
        </Fact>
        <Fact label="Duration">{jobDuration(summary, now)}</Fact>
        <Fact label="GPU time">{formatGpuHours(summary.gpuSeconds, summary.gpus)}</Fact>
        <Fact label="Log size">{formatBytes(summary.log.totalBytes)}</Fact>
      </SimpleGrid>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="md">
            {detail.why && <JobWhyPanel why={detail.why} status={summary.status} />}
            <Submitted detail={detail} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <JobTimeline detail={detail} now={now} />
        </Grid.Col>
      </Grid>
      <Paper withBorder radius="md" p="md" component="section" aria-label="Log">
        <Stack gap="sm">
          <Title order={3} size="h4">
            Log
          </Title>
          {summary.log.storedFrom > 0 && (
            <Text size="xs" c="dimmed">
              The first {formatBytes(summary.log.storedFrom)} of this log were dropped to keep the
              stored copy within its size limit.
            </Text>
          )}
          <LogViewer
            label={`Log of ${title}`}
            buffer={stream.buffer}
            version={stream.version}
            fileName={`${title}.log`}
            downloadHref={client.jobLogDownloadPath(team, id)}
            emptyText={terminal ? 'This job wrote no log.' : 'No log lines yet.'}
            status={
              <Badge
                variant="light"
                color={look.color}
                tt="none"
                c="bright"
                data-testid="log-state"
              >
                {look.label}
              </Badge>
            }
          />
        </Stack>
      </Paper>
    </Stack>
  );
}
