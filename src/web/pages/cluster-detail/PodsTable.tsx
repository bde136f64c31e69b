import { Badge, Table, Text } from '@mantine/core';

import type { ClusterDetail } from '../../../shared/api/clusterSchemas.ts';

type Pod = ClusterDetail['pods'][number];

/** A pod's state in a word or two, with a colour: Ready, Running (not ready), Pending, Failed. */
function podStateLook(pod: Pod): { label: string; color: string } {
  if (pod.ready) return { label: 'Ready', color: 'green' };
  if (pod.phase === 'Running') return { label: 'Running, not ready', color: 'yellow' };
  if (pod.phase === 'Failed') return { label: 'Failed', color: 'red' };
  if (pod.phase === 'Succeeded') return { label: 'Completed', color: 'gray' };
  return { label: pod.phase, color: 'blue' };
}

/** Head first, then by group and name: a stable order while pods come and go live. */
function byGroupThenName(left: Pod, right: Pod): number {
  const head = Number(right.group === 'headgroup') - Number(left.group === 'headgroup');
  return head || left.group.localeCompare(right.group) || left.name.localeCompare(right.name);
}

/**
 * The cluster's pods, head first: name, group, node, state, GPUs, restarts and waiting reason.
 */
export function PodsTable({ pods }: { pods: ClusterDetail['pods'] }) {
  if (pods.length === 0) {
    return (
      <Text size="sm" c="dimmed" p="md">
        No pods yet. The operator creates them once the cluster is accepted; a suspended cluster has
        none.
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped highlightOnHover aria-label="Pods">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Group</Table.Th>
            <Table.Th>Node</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>GPUs</Table.Th>
            <Table.Th>Restarts</Table.Th>
            <Table.Th>Reason</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {[...pods].sort(byGroupThenName).map((pod) => {
            const state = podStateLook(pod);
            return (
              <Table.Tr key={pod.name}>
                <Table.Td ff="monospace" fz="xs">
                  {pod.name}
                </Table.Td>
                <Table.Td>{pod.group}</Table.Td>
                <Table.Td>
                  {pod.node ?? (
                    <Text span size="sm" c="dimmed">
                      not scheduled
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={state.color} tt="none" c="bright">
                    {state.label}
                  </Badge>
                </Table.Td>
                <Table.Td>{pod.gpus}</Table.Td>
                <Table.Td>
                  <Text span size="sm" fw={pod.restarts > 0 ? 700 : undefined}>
                    {pod.restarts}
                  </Text>
                </Table.Td>
                <Table.Td>{pod.reason ?? ''}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
