import {
  Alert,
  Badge,
  Button,
  Grid,
  Paper,
  Skeleton,
  Stack,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { useMemo } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';

import { notAvailableThroughKubeRayApiServer } from '../../shared/api/notAvailableThroughKubeRayApiServer.ts';
import { ApiError } from '../../shared/client/ApiError.ts';
import type { ClusterPhase } from '../../shared/ray/clusterPhase.ts';
import { KubeRayApiServerNotice } from '../components/KubeRayApiServerNotice.tsx';
import { useCluster } from '../hooks/useCluster.ts';
import { useKubeRayApiServerLimit } from '../hooks/useKubeRayApiServerLimit.ts';
import { useSession } from '../session/SessionProvider.tsx';
import { ClusterHeader } from './cluster-detail/ClusterHeader.tsx';
import { ClusterJobsTab } from './cluster-detail/ClusterJobsTab.tsx';
import { clusterTimeline } from './cluster-detail/clusterTimeline.ts';
import { ClusterYaml } from './cluster-detail/ClusterYaml.tsx';
import { EndpointsSection } from './cluster-detail/EndpointsSection.tsx';
import { EventsTable } from './cluster-detail/EventsTable.tsx';
import { PodsTable } from './cluster-detail/PodsTable.tsx';
import { StatusTimeline } from './cluster-detail/StatusTimeline.tsx';
import { useClusterActions } from './cluster-detail/useClusterActions.ts';
import { WhyPendingPanel } from './cluster-detail/WhyPendingPanel.tsx';
import { workerGroupsOf } from './cluster-detail/workerGroupsOf.ts';
import { WorkerGroupsSection } from './cluster-detail/WorkerGroupsSection.tsx';
import { useNow } from './clusters/useNow.ts';

/**
 * The explanation panel's title per phase; phases without one show no panel: Ready has nothing
 * to explain, and a queued, suspended or deleting cluster wants no pods (its reason says why).
 */
const explanationTitles: Partial<Record<ClusterPhase, string>> = {
  Pending: 'Why pending',
  Provisioning: 'Why pending',
  Scaling: 'Why still scaling',
  Degraded: 'Why degraded',
  Failed: 'Why it fails',
};

function NotFound({ team, name }: { team: string; name: string }) {
  return (
    <Paper withBorder radius="md" p="xl">
      <Stack gap="sm" align="flex-start">
        <Title order={2}>Cluster not found</Title>
        <Text>
          There is no cluster{' '}
          <Text span fw={600}>
            {team}/{name}
          </Text>{' '}
          that you can see: it does not exist (perhaps it was deleted), or it is not in your teams.
        </Text>
        <Button component={Link} to="/clusters" leftSection={<IconArrowLeft size={16} />}>
          Back to clusters
        </Button>
      </Stack>
    </Paper>
  );
}

function LoadingDetail({ name }: { name: string }) {
  return (
    <Stack gap="md" aria-busy="true">
      <Title order={2}>{name}</Title>
      <Skeleton height={16} width={320} />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="md">
            <Skeleton height={140} radius="md" />
            <Skeleton height={220} radius="md" />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Skeleton height={380} radius="md" />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

/**
 * `/clusters/:team/:name`: one cluster, live. Header with phase and actions; "Why pending"
 * (or "Why still scaling", "Why degraded"…) while the cluster waits or fails, worker groups with scale controls and the status timeline beside the
 * endpoints with copy buttons; then pods, events and YAML in full-width tabs. A missing cluster (or another team's) shows a
 * clear not-found state; after a delete the page returns to the list.
 */
export function ClusterDetailPage() {
  const { team = '', name = '' } = useParams();
  const { user } = useSession();
  const navigate = useNavigate();
  const cluster = useCluster(team, name);
  const actions = useClusterActions(team, name);
  const now = useNow();
  // Through a KubeRay APIServer there are no pods or quotas to explain a wait with.
  const kubeRayLimit = useKubeRayApiServerLimit();

  const detail = cluster.data;
  const resource = detail?.resource;
  const explanation = detail?.explanation;
  const groups = useMemo(
    () => (resource ? workerGroupsOf(resource, explanation ?? []) : []),
    [resource, explanation],
  );
  const timeline = useMemo(
    () => (resource && detail ? clusterTimeline(resource, detail.events) : []),
    [resource, detail],
  );

  if (cluster.error instanceof ApiError && cluster.error.status === 404) {
    return <NotFound team={team} name={name} />;
  }
  if (!detail || !resource) {
    if (cluster.isError) {
      return (
        <Stack gap="md">
          <Title order={2}>{name}</Title>
          <Alert color="red" variant="light" title="Could not load this cluster" role="alert">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">{cluster.error.message}</Text>
              <Button size="xs" variant="light" color="red" onClick={() => void cluster.refetch()}>
                Try again
              </Button>
            </Stack>
          </Alert>
        </Stack>
      );
    }
    return <LoadingDetail name={name} />;
  }

  const { summary } = detail;
  const explanationTitle = explanationTitles[summary.phase];
  const canChange =
    user?.role === 'admin' || (user?.role === 'member' && user.teams.includes(team));
  const remove = async () => {
    await actions.remove();
    navigate('/clusters');
  };

  return (
    <Stack gap="md">
      <ClusterHeader
        summary={summary}
        suspended={resource.spec.suspend === true}
        canChange={canChange}
        now={now}
        onSuspend={actions.suspend}
        onResume={actions.resume}
        onDelete={remove}
      />
      {cluster.isError && (
        <Alert color="orange" variant="light" role="alert">
          Showing the last known state: {cluster.error.message}
        </Alert>
      )}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="md">
            {explanationTitle && kubeRayLimit && (
              <KubeRayApiServerNotice title={explanationTitle} message={kubeRayLimit} />
            )}
            {explanationTitle && !kubeRayLimit && (
              <WhyPendingPanel
                explanation={explanation ?? []}
                reason={summary.reason}
                title={explanationTitle}
              />
            )}
            <WorkerGroupsSection
              groups={groups}
              canChange={canChange}
              onScale={actions.scale}
              parked={
                summary.phase === 'Suspended' || summary.phase === 'Suspending'
                  ? summary.phase
                  : undefined
              }
            />
            <StatusTimeline entries={timeline} now={now} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <EndpointsSection endpoints={detail.endpoints} />
        </Grid.Col>
      </Grid>
      <Paper withBorder radius="md" p="md">
        <Tabs defaultValue="pods" keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab
              value="pods"
              rightSection={
                kubeRayLimit ? undefined : (
                  <Badge size="xs" variant="light" aria-hidden>
                    {detail.pods.length}
                  </Badge>
                )
              }
            >
              Pods
            </Tabs.Tab>
            <Tabs.Tab
              value="events"
              rightSection={
                <Badge size="xs" variant="light" aria-hidden>
                  {detail.events.length}
                </Badge>
              }
            >
              Events
            </Tabs.Tab>
            <Tabs.Tab value="jobs">Jobs</Tabs.Tab>
            <Tabs.Tab value="yaml">YAML</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="pods" pt="sm">
            {kubeRayLimit ? (
              // No pods come back through the APIServer: say why instead of an empty table.
              <KubeRayApiServerNotice
                title="Pods are not available"
                message={notAvailableThroughKubeRayApiServer('The list of a cluster’s pods')}
              />
            ) : (
              <PodsTable pods={detail.pods} />
            )}
          </Tabs.Panel>
          <Tabs.Panel value="events" pt="sm">
            <EventsTable events={detail.events} now={now} />
          </Tabs.Panel>
          <Tabs.Panel value="jobs" pt="sm">
            <ClusterJobsTab team={team} name={name} />
          </Tabs.Panel>
          <Tabs.Panel value="yaml" pt="sm">
            <ClusterYaml resource={resource} />
          </Tabs.Panel>
        </Tabs>
      </Paper>
    </Stack>
  );
}
