import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Card,
  Code,
  Group,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import {
  IconAlertCircle,
  IconCircleCheck,
  IconCircleX,
  IconFlask,
  IconRefresh,
} from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';

import type { AboutInfo } from '../../shared/api/aboutInfo.ts';
import { KubeRayApiServerNotice } from '../components/KubeRayApiServerNotice.tsx';
import { useApiClient } from '../hooks/useApiClient.ts';
import { useStreamEvent } from '../stream/StreamProvider.tsx';
import { formatDuration } from './admin/formatDuration.ts';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Group justify="space-between" gap="md" wrap="nowrap" align="flex-start">
      <Text size="sm" c="dimmed" style={{ flexShrink: 0 }}>
        {label}
      </Text>
      <Text size="sm" ta="right" component="div" style={{ wordBreak: 'break-all' }}>
        {children}
      </Text>
    </Group>
  );
}

function InformerTable({ informers }: { informers: AboutInfo['informers'] }) {
  if (informers.length === 0) {
    return (
      <Text size="sm" c="dimmed" p="md">
        No informers are running yet.
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing="xs" horizontalSpacing="md" aria-label="Informer health">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Informer</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th ta="right">Objects</Table.Th>
            <Table.Th>Last event</Table.Th>
            <Table.Th>Last error</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {informers.map((informer) => (
            <Table.Tr key={informer.name}>
              <Table.Td>
                <Code>{informer.name}</Code>
              </Table.Td>
              <Table.Td>
                {informer.synced ? (
                  <Badge
                    color="teal.9"
                    variant="outline"
                    leftSection={<IconCircleCheck size={12} aria-hidden />}
                  >
                    Synced
                  </Badge>
                ) : (
                  <Badge
                    color="red.9"
                    variant="outline"
                    leftSection={<IconCircleX size={12} aria-hidden />}
                  >
                    Not synced
                  </Badge>
                )}
              </Table.Td>
              <Table.Td ta="right">{informer.objects.toLocaleString()}</Table.Td>
              <Table.Td>
                {informer.idleSeconds < 0
                  ? 'none yet'
                  : `${formatDuration(informer.idleSeconds)} ago`}
              </Table.Td>
              <Table.Td>
                {informer.lastError ? (
                  <Text size="sm" c="red">
                    {informer.lastError}
                  </Text>
                ) : (
                  <Text size="sm" c="dimmed">
                    none
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function AboutSkeleton() {
  return (
    <Stack gap="lg" aria-busy aria-label="Loading">
      <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
        {[0, 1, 2].map((card) => (
          <Card key={card} withBorder radius="md" padding="lg">
            <Skeleton height={18} width="40%" mb="md" />
            {[0, 1, 2].map((row) => (
              <Skeleton key={row} height={12} mb="sm" />
            ))}
          </Card>
        ))}
      </SimpleGrid>
      <Skeleton height={160} radius="md" />
    </Stack>
  );
}

/**
 * `/about`: what this portal is and what it is connected to: Raydeck and Node.js versions, the
 * Kubernetes connection (source, server, context), a clear badge when it is the embedded
 * sandbox, and the health of every informer feeding the watch cache. Connection changes on the
 * live stream refresh it.
 */
export function AboutPage() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const about = useQuery({ queryKey: ['about'], queryFn: () => client.about() });
  useStreamEvent('connection', () => {
    void queryClient.invalidateQueries({ queryKey: ['about'] });
  });
  const info = about.data;

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Group gap="sm">
            <Title order={2}>About Raydeck</Title>
            {info?.connection.sandbox && (
              <Badge color="grape.8" size="lg" leftSection={<IconFlask size={14} aria-hidden />}>
                Sandbox cluster
              </Badge>
            )}
          </Group>
          <Text c="dimmed" size="sm">
            Versions, the cluster this portal manages, and the health of its watch cache.
          </Text>
        </div>
        <Tooltip label="Refresh">
          <ActionIcon
            variant="default"
            size="lg"
            aria-label="Refresh"
            loading={about.isFetching}
            onClick={() => void about.refetch()}
          >
            <IconRefresh size={18} aria-hidden />
          </ActionIcon>
        </Tooltip>
      </Group>

      {about.isError && (
        <Alert
          color="red"
          variant="light"
          icon={<IconAlertCircle size={18} aria-hidden />}
          title="Could not load the portal’s status"
        >
          {about.error.message}
        </Alert>
      )}
      {about.isPending && <AboutSkeleton />}
      {info && (
        <>
          {info.connection.sandbox && (
            <Alert
              color="grape"
              variant="light"
              icon={<IconFlask size={18} aria-hidden />}
              title="You are using the sandbox cluster"
            >
              This portal runs against Raydeck’s embedded sandbox: simulated GPU nodes, scheduler,
              quotas and KubeRay operator, so everything works without real hardware, and nothing
              you create costs anything. To manage a real cluster, start <Code>raydeck serve</Code>{' '}
              with <Code>--kubeconfig</Code> (or <Code>KUBECONFIG</Code>), <Code>--in-cluster</Code>{' '}
              or <Code>--apiserver-url</Code>.
            </Alert>
          )}
          {info.connection.unavailable && (
            <KubeRayApiServerNotice
              title="Connected through the KubeRay APIServer"
              message={info.connection.unavailable.reason}
            />
          )}
          <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
            <Card withBorder radius="md" padding="lg">
              <Title order={3} size="h5" mb="sm">
                Versions
              </Title>
              <Stack gap={6}>
                <Row label="Raydeck">{info.version}</Row>
                <Row label="Node.js">{info.node}</Row>
                <Row label="REST API">
                  <Anchor href="/api/docs" target="_blank" rel="noreferrer">
                    /api/v1 (docs)
                  </Anchor>
                </Row>
              </Stack>
            </Card>
            <Card withBorder radius="md" padding="lg">
              <Title order={3} size="h5" mb="sm">
                Cluster connection
              </Title>
              <Stack gap={6}>
                <Row label="Source">
                  <Group gap={6} justify="flex-end">
                    {info.connection.source === 'apiserver-v2'
                      ? 'KubeRay APIServer v2'
                      : info.connection.source}
                    {info.connection.sandbox && (
                      <Badge color="grape.9" variant="outline" size="sm">
                        Sandbox
                      </Badge>
                    )}
                  </Group>
                </Row>
                <Row label="Server">
                  <Code>{info.connection.server}</Code>
                </Row>
                <Row label="Context">{info.connection.context || '—'}</Row>
              </Stack>
            </Card>
            <Card withBorder radius="md" padding="lg">
              <Title order={3} size="h5" mb="sm">
                Watch cache
              </Title>
              <Stack gap={6}>
                <Row label="Ray clusters">{info.clusters.toLocaleString()}</Row>
                <Row label="Informers synced">
                  {info.informers.filter((informer) => informer.synced).length} of{' '}
                  {info.informers.length}
                </Row>
              </Stack>
            </Card>
          </SimpleGrid>
          <Card withBorder radius="md" p={0}>
            <Title order={3} size="h5" p="md" pb={0}>
              Informer health
            </Title>
            <Text size="sm" c="dimmed" px="md">
              Each informer lists and then watches one kind of Kubernetes object; pages are served
              from what they cache.
            </Text>
            <InformerTable informers={info.informers} />
          </Card>
        </>
      )}
    </Stack>
  );
}
