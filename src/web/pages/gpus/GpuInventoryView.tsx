import {
  Alert,
  Code,
  EmptyState,
  Grid,
  Group,
  Paper,
  Skeleton,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { IconCpuOff } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';

import { kubeRayApiServerUnavailableReason } from '../../../shared/api/notAvailableThroughKubeRayApiServer.ts';
import { ApiError } from '../../../shared/client/ApiError.ts';
import type { GpuInventory, NodeGpuInventory } from '../../../shared/ray/gpuInventory.ts';
import { gpuProductLabels } from '../../../shared/ray/gpuRequestOfPodSpec.ts';
import { GpuBar } from '../../components/GpuBar.tsx';
import { KubeRayApiServerNotice } from '../../components/KubeRayApiServerNotice.tsx';
import { useApiClient } from '../../hooks/useApiClient.ts';
import { accessibleColors, accessibleColorScope } from './accessibleColors.ts';
import { gpuProductColor, gpuProductKey } from './gpuProductColor.ts';
import { GpuTotalsChart } from './GpuTotalsChart.tsx';
import { NodeGpuTable } from './NodeGpuTable.tsx';
import { useInventoryRefresh } from './useInventoryRefresh.ts';

/** Query key of `GET /api/v1/gpus`. */
const gpuInventoryQueryKey = ['gpus'] as const;

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Explains what the inventory reads, so an empty cluster teaches how to get GPUs listed. */
function NoGpus() {
  return (
    <Paper withBorder p="xl" radius="md">
      <EmptyState
        icon={<IconCpuOff size={28} stroke={1.5} aria-hidden />}
        title="No GPUs in this cluster yet"
        align="left"
      >
        <Stack gap="xs" maw={720}>
          <Text size="sm">
            Raydeck counts a node&apos;s GPUs from the extended resources its device plugin
            advertises in <Code>status.allocatable</Code>: <Code>nvidia.com/gpu</Code>, MIG slices
            such as <Code>nvidia.com/mig-1g.10gb</Code>, <Code>amd.com/gpu</Code>, or any other
            resource whose name ends in <Code>gpu</Code>.
          </Text>
          <Text size="sm">
            It names each GPU model from the node labels set by GPU feature discovery:{' '}
            {gpuProductLabels.map((label, index) => (
              <span key={label}>
                {index > 0 && ' or '}
                <Code>{label}</Code>
              </span>
            ))}
            . Install the NVIDIA GPU Operator (or the device plugin with GPU feature discovery) on
            your GPU nodes and they appear here as soon as Kubernetes reports them.
          </Text>
        </Stack>
      </EmptyState>
    </Paper>
  );
}

function GpusSkeleton() {
  return (
    <Stack gap="lg" aria-busy="true" aria-label="Loading the GPU inventory">
      <Grid>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Skeleton h={180} radius="md" />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Skeleton h={180} radius="md" />
        </Grid.Col>
      </Grid>
      <Skeleton h={220} radius="md" />
    </Stack>
  );
}

/** The product sections in inventory order: each product's nodes, with its colour index. */
function productSections(inventory: GpuInventory) {
  return inventory.products.map((product, index) => ({
    product,
    color: gpuProductColor(index),
    nodes: inventory.nodes.filter(
      (node: NodeGpuInventory) => gpuProductKey(node) === gpuProductKey(product),
    ),
  }));
}

function Inventory({ inventory }: { inventory: GpuInventory }) {
  return (
    <Stack gap="lg">
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Paper
            withBorder
            p="lg"
            radius="md"
            h="100%"
            component="section"
            aria-label="Cluster total"
          >
            <Title order={3} size="h4" mb="md">
              Cluster total
            </Title>
            <GpuTotalsChart inventory={inventory} />
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Paper withBorder p="lg" radius="md" h="100%" component="section" aria-label="By product">
            <Title order={3} size="h4" mb="md">
              By product
            </Title>
            <Stack gap="md">
              {inventory.products.map((product) => (
                <Stack key={gpuProductKey(product)} gap={4}>
                  <Group justify="space-between" gap="xs">
                    <Text fw={600}>{product.productName}</Text>
                    <Text size="sm" c={accessibleColors.muted} style={{ whiteSpace: 'nowrap' }}>
                      {plural(product.nodes, 'node')} · <Code>{product.resource}</Code>
                    </Text>
                  </Group>
                  <GpuBar
                    total={product.allocatable}
                    used={product.requested}
                    label={`${product.productName} in total`}
                  />
                </Stack>
              ))}
            </Stack>
          </Paper>
        </Grid.Col>
      </Grid>
      {productSections(inventory).map(({ product, nodes }) => {
        const headingId = `gpu-product-${gpuProductKey(product).replace(/[^A-Za-z0-9]+/g, '-')}`;
        return (
          <Paper
            key={gpuProductKey(product)}
            withBorder
            p="lg"
            radius="md"
            component="section"
            aria-labelledby={headingId}
          >
            <Group justify="space-between" mb="sm" gap="xs">
              <Title order={3} size="h4" id={headingId}>
                {product.productName}
              </Title>
              <Text size="sm" c={accessibleColors.muted}>
                {product.product || 'no product label'} · {product.requested} used, {product.free}{' '}
                free of {product.allocatable}
              </Text>
            </Group>
            <NodeGpuTable nodes={nodes} />
          </Paper>
        );
      })}
    </Stack>
  );
}

/**
 * The GPU inventory page (`/gpus`, loaded on first visit by `GpusPage`): per node and product
 * the used and free bars, who holds what (team, cluster, pod), taints and schedulability, with
 * the cluster's total as a ring chart and totals per product. Refetched on `inventory` stream
 * events (throttled), never polled.
 */
export function GpuInventoryView() {
  const client = useApiClient();
  const inventory = useQuery({
    queryKey: gpuInventoryQueryKey,
    queryFn: () => client.gpuInventory(),
  });
  useInventoryRefresh(gpuInventoryQueryKey);
  const data = inventory.data;
  return (
    <Stack gap="lg" style={accessibleColorScope}>
      <div>
        <Title order={2}>GPUs</Title>
        <Text c={accessibleColors.muted}>
          Free and used GPUs per node and product, and who holds them. Updates live.
        </Text>
      </div>
      {inventory.isPending && <GpusSkeleton />}
      {inventory.isError &&
        // Through a KubeRay APIServer the inventory cannot exist: a notice, not a failure.
        (inventory.error instanceof ApiError &&
        inventory.error.reason === kubeRayApiServerUnavailableReason ? (
          <KubeRayApiServerNotice message={inventory.error.message} />
        ) : (
          <Alert color="red" title="Could not load the GPU inventory">
            {inventory.error.message}
          </Alert>
        ))}
      {data && (data.nodes.length === 0 ? <NoGpus /> : <Inventory inventory={data} />)}
    </Stack>
  );
}
