import { Alert, Button, Code, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';

import type { CreateServiceRequest, UpgradeStrategy } from '../../shared/api/serviceSchemas.ts';
import { ApiError } from '../../shared/client/ApiError.ts';
import { serveHelloServeConfig } from '../../shared/ray/serveHelloSample.ts';
import {
  type ServeConfigProblem,
  validateServeConfig,
} from '../../shared/ray/validateServeConfig.ts';
import { useApiClient } from '../hooks/useApiClient.ts';
import { useSession } from '../session/SessionProvider.tsx';
import { ServeConfigEditor } from './services/ServeConfigEditor.tsx';

/** Field errors of the server on the Serve config, read back as editor problems (`line N: …`). */
export function serverConfigProblems(error: unknown): ServeConfigProblem[] {
  if (!(error instanceof ApiError)) return [];
  return error.fields
    .filter((field) => field.path.endsWith('serveConfigV2') || field.path.endsWith('serveConfig'))
    .map((field) => {
      const match = /^line (\d+): (.*)$/.exec(field.message);
      return {
        path: '',
        line: match ? Number(match[1]) : 1,
        column: 1,
        message: match?.[2] ?? field.message,
      };
    });
}

/** `/services/new`: a RayService from a template and a Serve config, dry-run before create. */
export function CreateServicePage() {
  const client = useApiClient();
  const navigate = useNavigate();
  const { team: sessionTeam } = useSession();
  const templates = useQuery({ queryKey: ['templates'], queryFn: () => client.listTemplates() });
  const [name, setName] = useState('serve-hello');
  const [template, setTemplate] = useState<string | null>(null);
  const [strategy, setStrategy] = useState<UpgradeStrategy>('NewCluster');
  const [config, setConfig] = useState(serveHelloServeConfig);
  const [teamInput, setTeamInput] = useState<string | undefined>(undefined);
  const team = teamInput ?? sessionTeam ?? '';
  const chosenTemplate = template ?? templates.data?.items[0]?.name ?? '';
  const request: CreateServiceRequest = {
    name,
    team,
    template: chosenTemplate,
    serveConfigV2: config,
    upgradeStrategy: strategy,
  };
  const localProblems = validateServeConfig(config).problems;
  const dryRun = useMutation({ mutationFn: () => client.dryRunService(request) });
  const create = useMutation({
    mutationFn: () => client.createService(request),
    onSuccess: (created) => navigate(`/services/${created.summary.team}/${created.summary.name}`),
  });
  const error = create.error ?? dryRun.error;
  return (
    <Stack maw={900}>
      <Title order={1}>Deploy a service</Title>
      <Text c="dimmed">
        A RayService keeps your Serve applications running on a cluster made from a template. The
        serve_hello sample is filled in as a starting point.
      </Text>
      <Group grow>
        <TextInput
          label="Name"
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
        />
        <TextInput
          label="Team"
          value={team}
          onChange={(event) => setTeamInput(event.currentTarget.value)}
        />
        <Select
          label="Template"
          data={(templates.data?.items ?? []).map((entry) => entry.name)}
          value={chosenTemplate}
          onChange={setTemplate}
        />
        <Select
          label="Upgrade strategy"
          data={[
            { value: 'NewCluster', label: 'New cluster, then switch (zero downtime)' },
            { value: 'None', label: 'None (cluster changes are not rolled out)' },
          ]}
          value={strategy}
          onChange={(value) => setStrategy(value === 'None' ? 'None' : 'NewCluster')}
        />
      </Group>
      <ServeConfigEditor
        label="Serve config (serveConfigV2)"
        value={config}
        onChange={(value) => {
          setConfig(value);
          dryRun.reset();
        }}
        serverProblems={serverConfigProblems(error)}
      />
      {error ? (
        <Alert color="red" title="Refused">
          {error.message}
          {error instanceof ApiError
            ? error.fields.map((field) => (
                <Text key={`${field.path}${field.message}`} size="sm">
                  {field.path}: {field.message}
                </Text>
              ))
            : null}
        </Alert>
      ) : null}
      {dryRun.data ? (
        <Alert color="green" title="Dry run passed">
          Kubernetes accepted the RayService ({dryRun.data.gpus} GPUs). Apps:{' '}
          {dryRun.data.applications
            .map((app) => `${app.name} at ${app.routePrefix ?? '(no route)'}`)
            .join(', ')}
          <details>
            <summary>Manifest</summary>
            <Code block>{dryRun.data.yaml}</Code>
          </details>
        </Alert>
      ) : null}
      <Group>
        <Button
          variant="default"
          disabled={localProblems.length > 0 || !team}
          loading={dryRun.isPending}
          onClick={() => dryRun.mutate()}
        >
          Dry run
        </Button>
        <Button
          disabled={localProblems.length > 0 || !dryRun.isSuccess}
          loading={create.isPending}
          onClick={() => create.mutate()}
        >
          Create service
        </Button>
      </Group>
    </Stack>
  );
}
