import { Button, Group, NumberInput, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useId, useState } from 'react';

import { ApiError } from '../../../shared/client/ApiError.ts';
import { humanizeGpuProduct } from '../../../shared/ray/humanizeGpuProduct.ts';
import type { WorkerGroupView } from './workerGroupsOf.ts';

/** Field paths of the scale request that belong under the replicas input. */
const replicaFields = new Set(['body.replicas', 'body.minReplicas', 'body.maxReplicas']);

/**
 * The scale error under a group's input: field errors as the server worded them (a bounds
 * field other than `replicas` is named, since the input is the replicas one, and so is a
 * `cluster.` field: the running cluster's own misfit with its template, e.g. its exposure),
 * else the error's message.
 */
function scaleErrorText(error: unknown): string {
  if (error instanceof ApiError && error.fields.length > 0) {
    return error.fields
      .map((field) => {
        if (field.path.startsWith('cluster.'))
          return `${field.path.slice('cluster.'.length)}: ${field.message}`;
        return field.path === 'body.replicas' || !replicaFields.has(field.path)
          ? field.message
          : `${field.path.replace('body.', '')} ${field.message}`;
      })
      .join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}

function perWorker(group: WorkerGroupView): string {
  if (group.gpusPerWorker <= 0) return 'CPU only';
  const products = [...new Set(group.gpuProducts.map(humanizeGpuProduct))].join(', ');
  return `${group.gpusPerWorker} × ${products || 'GPU'}`;
}

function bounds(group: WorkerGroupView): string {
  return group.maxReplicas === undefined
    ? `at least ${group.minReplicas}`
    : `${group.minReplicas} to ${group.maxReplicas}`;
}

function ScaleControl({
  group,
  canChange,
  onScale,
}: {
  group: WorkerGroupView;
  canChange: boolean;
  onScale: (group: string, replicas: number) => Promise<void>;
}) {
  const [draft, setDraft] = useState<number | string>(group.replicas);
  const [shown, setShown] = useState(group.replicas);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  // When the cluster's replicas change (here or elsewhere), the input follows.
  if (shown !== group.replicas) {
    setShown(group.replicas);
    setDraft(group.replicas);
  }

  const scale = async () => {
    const replicas = typeof draft === 'number' ? draft : Number.parseInt(draft, 10);
    if (!Number.isInteger(replicas) || replicas < 0) {
      setError('Enter a whole number of workers, 0 or more');
      return;
    }
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      await onScale(group.name, replicas);
      setDone(`Asked for ${replicas} ${replicas === 1 ? 'worker' : 'workers'}`);
    } catch (caught) {
      setError(scaleErrorText(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack gap={4}>
      <Group gap="xs" align="flex-start" wrap="nowrap">
        <NumberInput
          aria-label={`Replicas of ${group.name}`}
          value={draft}
          onChange={(value) => {
            setDraft(value);
            setError(undefined);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') void scale();
          }}
          min={0}
          allowDecimal={false}
          allowNegative={false}
          clampBehavior="none"
          disabled={!canChange}
          error={error}
          w={110}
        />
        <Button variant="light" onClick={() => void scale()} loading={busy} disabled={!canChange}>
          Scale {group.name}
        </Button>
      </Group>
      <Text size="xs" c={done ? 'teal' : 'dimmed'} aria-live="polite">
        {done ?? `Allowed: ${bounds(group)}`}
      </Text>
    </Stack>
  );
}

/**
 * "Worker groups": per group its GPUs per worker, ready and desired pods, and the scale
 * control: a number input "Replicas of <group>" and a "Scale <group>" button. Bounds are shown
 * but not enforced here; the server checks them and its field errors (e.g. above maxReplicas)
 * appear under the input.
 */
export function WorkerGroupsSection({
  groups,
  canChange,
  onScale,
  parked,
}: {
  groups: readonly WorkerGroupView[];
  canChange: boolean;
  onScale: (group: string, replicas: number) => Promise<void>;
  /** `Suspended` or `Suspending` when the cluster is parked: said instead of ready counts. */
  parked?: 'Suspended' | 'Suspending' | undefined;
}) {
  const headingId = useId();
  return (
    <Paper component="section" aria-labelledby={headingId} withBorder radius="md" p="md">
      <Stack gap="sm">
        <Title order={3} size="h4" id={headingId}>
          Worker groups
        </Title>
        {groups.length === 0 ? (
          <Text size="sm" c="dimmed">
            This cluster has only a head node: no worker groups.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={520}>
            <Table verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Group</Table.Th>
                  <Table.Th>Per worker</Table.Th>
                  <Table.Th>Ready</Table.Th>
                  <Table.Th>Workers</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {groups.map((group) => (
                  <Table.Tr key={group.name}>
                    <Table.Td fw={600} style={{ verticalAlign: 'top' }}>
                      {group.name}
                    </Table.Td>
                    <Table.Td style={{ verticalAlign: 'top' }}>{perWorker(group)}</Table.Td>
                    <Table.Td style={{ verticalAlign: 'top' }}>
                      {parked ?? `${group.ready} of ${group.desired}`}
                    </Table.Td>
                    <Table.Td>
                      <ScaleControl group={group} canChange={canChange} onScale={onScale} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {!canChange && (
          <Text size="xs" c="dimmed">
            You can look at this cluster but not change it (viewer, or not in its team).
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
