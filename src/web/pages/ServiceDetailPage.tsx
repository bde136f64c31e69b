import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Group,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';

import type {
  ServiceClusterView,
  ServiceDetail,
  UpdateServiceRequest,
} from '../../shared/api/serviceSchemas.ts';
import { ApiError } from '../../shared/client/ApiError.ts';
import { validateServeConfig } from '../../shared/ray/validateServeConfig.ts';
import { useApiClient } from '../hooks/useApiClient.ts';
import { serverConfigProblems } from './CreateServicePage.tsx';
import { ServeConfigEditor } from './services/ServeConfigEditor.tsx';
import { servicePollMs, serviceStateColor } from './ServicesPage.tsx';

function ClusterCard({ cluster }: { cluster: ServiceClusterView }) {
  return (
    <Card withBorder data-testid={`cluster-${cluster.role}`}>
      <Group justify="space-between">
        <Title order={3}>{cluster.role === 'active' ? 'Active cluster' : 'Pending cluster'}</Title>
        <Badge color={cluster.role === 'active' ? 'green' : 'violet'}>
          {cluster.role === 'active' ? 'serving traffic' : 'no traffic yet'}
        </Badge>
      </Group>
      <Text size="sm">
        {cluster.name}: {cluster.state}; {cluster.workers.ready} of {cluster.workers.desired}{' '}
        workers ready; {cluster.gpus} GPUs
      </Text>
      {cluster.applications.map((app) => (
        <Stack key={app.name} gap={2} mt="sm">
          <Group gap="xs">
            <Text fw={600}>{app.name}</Text>
            <Badge
              color={
                app.status === 'RUNNING'
                  ? 'green'
                  : app.status.includes('FAIL') || app.status === 'UNHEALTHY'
                    ? 'red'
                    : 'blue'
              }
            >
              {app.status}
            </Badge>
            <Text size="sm" c="dimmed">
              {app.routePrefix ?? 'no HTTP route'} · {app.importPath}
            </Text>
          </Group>
          {app.message ? (
            <Code block style={{ maxHeight: 120, overflow: 'auto' }}>
              {app.message}
            </Code>
          ) : null}
          <Table>
            <Table.Tbody>
              {app.deployments.map((deployment) => (
                <Table.Tr key={deployment.name}>
                  <Table.Td>{deployment.name}</Table.Td>
                  <Table.Td>{deployment.status}</Table.Td>
                  <Table.Td>{deployment.message}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      ))}
    </Card>
  );
}

function SendRequestPanel({ detail }: { detail: ServiceDetail }) {
  const client = useApiClient();
  const { team, name } = detail.summary;
  const [path, setPath] = useState(`${detail.endpoints[0]?.routePrefix ?? '/'}`);
  const [method, setMethod] = useState<'GET' | 'POST'>('GET');
  const [body, setBody] = useState('');
  const send = useMutation({
    mutationFn: () =>
      client.sendServiceRequest(team, name, {
        path,
        method,
        ...(method === 'POST'
          ? {
              body,
              contentType: body.trim().startsWith('{') ? 'application/json' : 'text/plain',
            }
          : {}),
      }),
  });
  return (
    <Card withBorder>
      <Title order={3}>Send a request</Title>
      <Group align="end">
        <SegmentedControl
          data={['GET', 'POST']}
          value={method}
          onChange={(value) => setMethod(value === 'POST' ? 'POST' : 'GET')}
        />
        <TextInput
          label="Path"
          value={path}
          onChange={(event) => setPath(event.currentTarget.value)}
          style={{ flex: 1 }}
        />
        <Button onClick={() => send.mutate()} loading={send.isPending}>
          Send
        </Button>
      </Group>
      {method === 'POST' ? (
        <Textarea
          label="Body (text or JSON)"
          value={body}
          onChange={(event) => setBody(event.currentTarget.value)}
        />
      ) : null}
      {send.error ? <Alert color="red">{send.error.message}</Alert> : null}
      {send.data ? (
        <Stack gap={2} mt="sm" data-testid="request-result">
          <Text size="sm">
            Status {send.data.status} · {send.data.latencyMs} ms · {send.data.contentType}
          </Text>
          <Code block>{send.data.body}</Code>
        </Stack>
      ) : null}
    </Card>
  );
}

function UpdatePanel({ detail }: { detail: ServiceDetail }) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const { team, name } = detail.summary;
  const [config, setConfig] = useState(detail.serveConfigV2);
  const [envLine, setEnvLine] = useState('');
  const envMatch = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(envLine.trim());
  const request: UpdateServiceRequest = {
    serveConfigV2: config,
    ...(envMatch ? { env: [{ name: envMatch[1] ?? '', value: envMatch[2] ?? '' }] } : {}),
  };
  const plan = useMutation({ mutationFn: () => client.planServiceUpdate(team, name, request) });
  const apply = useMutation({
    mutationFn: () => client.updateService(team, name, request),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['service', team, name] }),
  });
  const error = plan.error ?? apply.error;
  return (
    <Card withBorder>
      <Title order={3}>Update</Title>
      <ServeConfigEditor
        label="Serve config"
        value={config}
        onChange={(value) => {
          setConfig(value);
          plan.reset();
        }}
        serverProblems={serverConfigProblems(error)}
      />
      <TextInput
        label="Cluster environment variable (NAME=value; changes the cluster, so a new one starts)"
        value={envLine}
        onChange={(event) => {
          setEnvLine(event.currentTarget.value);
          plan.reset();
        }}
      />
      {error ? (
        <Alert color="red">
          {error.message}
          {error instanceof ApiError
            ? error.fields.map((field) => (
                <Text key={field.path + field.message} size="sm">
                  {field.path}: {field.message}
                </Text>
              ))
            : null}
        </Alert>
      ) : null}
      {plan.data && !apply.isSuccess ? (
        <Alert color={plan.data.kind === 'newCluster' ? 'violet' : 'blue'} title="What will happen">
          {plan.data.explanation}
        </Alert>
      ) : null}
      {apply.isSuccess ? <Alert color="green">Update sent: {apply.data.explanation}</Alert> : null}
      <Group mt="sm">
        <Button
          variant="default"
          disabled={validateServeConfig(config).problems.length > 0}
          onClick={() => {
            apply.reset();
            plan.mutate();
          }}
          loading={plan.isPending}
        >
          Review update
        </Button>
        <Button
          disabled={!plan.isSuccess || plan.data.kind === 'none' || apply.isSuccess}
          onClick={() => apply.mutate()}
          loading={apply.isPending}
        >
          Confirm update
        </Button>
      </Group>
    </Card>
  );
}

/** `/services/:team/:name`: apps, clusters side by side during an upgrade, timeline, try it. */
export function ServiceDetailPage() {
  const { team = '', name = '' } = useParams();
  const client = useApiClient();
  const navigate = useNavigate();
  const detail = useQuery({
    queryKey: ['service', team, name],
    queryFn: () => client.getService(team, name),
    refetchInterval: servicePollMs,
  });
  const remove = useMutation({
    mutationFn: () => client.deleteService(team, name),
    onSuccess: () => navigate('/services'),
  });
  if (detail.error) return <Alert color="red">{detail.error.message}</Alert>;
  const data = detail.data;
  if (!data) return <div aria-busy="true" />;
  return (
    <Stack>
      <Group justify="space-between">
        <Group>
          <Title order={1}>{name}</Title>
          <Badge
            size="lg"
            color={serviceStateColor[data.summary.state]}
            data-testid="service-state"
          >
            {data.summary.state}
          </Badge>
        </Group>
        <Button
          color="red"
          variant="light"
          onClick={() => remove.mutate()}
          loading={remove.isPending}
        >
          Delete service
        </Button>
      </Group>
      <Text c="dimmed">
        Team {team} · template {data.summary.template || '—'} · upgrade strategy{' '}
        {data.summary.upgradeStrategy} · {data.summary.reason} {data.summary.message}
      </Text>
      <Card withBorder>
        <Title order={3}>What is happening</Title>
        <Stack gap={4} data-testid="timeline">
          {data.timeline.map((entry, index) => (
            <Text key={index} size="sm" c={entry.kind === 'warning' ? 'red' : undefined}>
              {entry.at ? `${entry.at} · ` : ''}
              {entry.text}
            </Text>
          ))}
        </Stack>
      </Card>
      <SimpleGrid cols={{ base: 1, md: data.clusters.length > 1 ? 2 : 1 }}>
        {data.clusters.map((cluster) => (
          <ClusterCard key={cluster.name} cluster={cluster} />
        ))}
      </SimpleGrid>
      <Card withBorder>
        <Title order={3}>Endpoints</Title>
        {data.endpoints.map((endpoint) => (
          <Text key={endpoint.application} size="sm">
            {endpoint.application}: <Code>{endpoint.inClusterUrl}</Code> (in the cluster); through
            the portal: the panel below
          </Text>
        ))}
      </Card>
      <SendRequestPanel detail={data} />
      <UpdatePanel key={data.summary.uid} detail={data} />
    </Stack>
  );
}
