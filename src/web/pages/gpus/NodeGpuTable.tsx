import { Anchor, Badge, Box, Code, Group, Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router-dom';

import type { GpuHolder, NodeGpuInventory } from '../../../shared/ray/gpuInventory.ts';
import { GpuBar } from '../../components/GpuBar.tsx';
import { accessibleColors } from './accessibleColors.ts';

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The pods of one cluster (or one non-Ray pod) holding GPUs on a node. */
interface HolderGroup {
  namespace: string;
  cluster: string | undefined;
  pods: GpuHolder[];
  gpus: number;
}

/** Holders grouped by team and cluster, largest first; pods outside Ray clusters stay alone. */
function holderGroups(holders: readonly GpuHolder[]): HolderGroup[] {
  const groups = new Map<string, HolderGroup>();
  for (const holder of holders) {
    const key = holder.cluster
      ? `${holder.namespace}/${holder.cluster}`
      : `${holder.namespace}//${holder.pod}`;
    const group = groups.get(key) ?? {
      namespace: holder.namespace,
      cluster: holder.cluster,
      pods: [],
      gpus: 0,
    };
    group.pods.push(holder);
    group.gpus += holder.gpus;
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.gpus - a.gpus);
}

/** One holder: team, cluster (linked to its page) and GPU count, then its pods. */
function HolderLine({ group }: { group: HolderGroup }) {
  return (
    <Stack gap={2} component="li">
      <Group gap={6} wrap="nowrap">
        <Badge variant="light" color="gray" radius="sm" tt="none" style={{ flexShrink: 0 }}>
          {group.namespace}
        </Badge>
        {group.cluster ? (
          <Anchor
            component={Link}
            to={`/clusters/${encodeURIComponent(group.namespace)}/${encodeURIComponent(group.cluster)}`}
            size="sm"
            fw={500}
            truncate
          >
            {group.cluster}
          </Anchor>
        ) : (
          <Text size="sm" c={accessibleColors.muted}>
            not a Ray pod
          </Text>
        )}
        <Text size="sm" fw={600} ml="auto" style={{ whiteSpace: 'nowrap' }}>
          {plural(group.gpus, 'GPU')}
        </Text>
      </Group>
      <Group gap={4}>
        {group.pods.map((pod) => (
          <Code key={pod.pod} fz="xs" title={`${pod.pod}: ${plural(pod.gpus, 'GPU')}`}>
            {pod.pod}
            {group.pods.length > 1 ? ` ×${pod.gpus}` : ''}
          </Code>
        ))}
      </Group>
    </Stack>
  );
}

/** Whether the scheduler may place new pods on the node: a dot and a word, never truncated. */
function SchedulingState({ schedulable }: { schedulable: boolean }) {
  return (
    <Group gap={6} wrap="nowrap" title={schedulable ? undefined : 'Cordoned or not Ready'}>
      <Box
        w={8}
        h={8}
        bg={schedulable ? 'teal.6' : 'red.6'}
        style={{ borderRadius: '50%', flexShrink: 0 }}
        aria-hidden
      />
      <Text size="sm">{schedulable ? 'Schedulable' : 'Not schedulable'}</Text>
    </Group>
  );
}

/**
 * Nodes of one GPU product: used and free bars, whether the scheduler may place pods there,
 * the taints a pod must tolerate, and who holds the GPUs (team, cluster, pod, count).
 */
export function NodeGpuTable({ nodes }: { nodes: readonly NodeGpuInventory[] }) {
  return (
    <Table.ScrollContainer minWidth={620}>
      <Table verticalSpacing="sm" highlightOnHover layout="fixed">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col" w="30%">
              Node
            </Table.Th>
            <Table.Th scope="col" w="30%">
              GPUs
            </Table.Th>
            <Table.Th scope="col" w="40%">
              Held by
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {nodes.map((node) => (
            <Table.Tr key={`${node.node}/${node.resource}`} style={{ verticalAlign: 'top' }}>
              <Table.Th scope="row" fw={400}>
                <Stack gap={4}>
                  <Text fw={600} size="sm" style={{ overflowWrap: 'anywhere' }}>
                    {node.node}
                  </Text>
                  <SchedulingState schedulable={node.schedulable} />
                  {node.taints.length === 0 ? (
                    <Text size="xs" c={accessibleColors.muted}>
                      No taints
                    </Text>
                  ) : (
                    <Group gap={4} aria-label={`Taints of ${node.node}`} role="list">
                      {node.taints.map((taint) => (
                        <Code key={`${taint.key}:${taint.effect}`} fz="xs" role="listitem">
                          {taint.key}
                          {taint.value ? `=${taint.value}` : ''}:{taint.effect}
                        </Code>
                      ))}
                    </Group>
                  )}
                </Stack>
              </Table.Th>
              <Table.Td>
                <GpuBar
                  total={node.allocatable}
                  used={node.requested}
                  label={`${node.productName} on ${node.node}`}
                />
                {node.capacity !== node.allocatable && (
                  <Text size="xs" c={accessibleColors.muted}>
                    {node.capacity} installed, {node.allocatable} allocatable
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {node.holders.length === 0 ? (
                  <Text size="sm" c={accessibleColors.muted}>
                    Nobody
                  </Text>
                ) : (
                  <Stack
                    gap={8}
                    component="ul"
                    m={0}
                    p={0}
                    style={{ listStyle: 'none' }}
                    aria-label={`GPU holders on ${node.node}`}
                  >
                    {holderGroups(node.holders).map((group) => (
                      <HolderLine
                        key={`${group.namespace}/${group.cluster ?? group.pods[0]?.pod}`}
                        group={group}
                      />
                    ))}
                  </Stack>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
