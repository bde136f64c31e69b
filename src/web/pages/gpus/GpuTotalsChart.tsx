import { Box, ColorSwatch, Group, RingProgress, Stack, Text } from '@mantine/core';

import type { GpuInventory } from '../../../shared/ray/gpuInventory.ts';
import { accessibleColors } from './accessibleColors.ts';
import { gpuProductColor, gpuProductKey } from './gpuProductColor.ts';

/**
 * The cluster's GPUs as one ring: each product's used GPUs a coloured arc, the free ones the
 * track, and the free count in the middle. Mantine's SVG ring keeps the bundle free of a chart
 * library; the ring is one image whose accessible name says the numbers.
 */
export function GpuTotalsChart({ inventory }: { inventory: GpuInventory }) {
  const { total, products } = inventory;
  const share = (count: number) => (total.allocatable > 0 ? (count / total.allocatable) * 100 : 0);
  // Arcs add up to at most the whole ring, even while pods drain from a shrunken node.
  const sections = products.map((product, index) => {
    const before = products.slice(0, index).reduce((sum, p) => sum + share(p.requested), 0);
    return {
      value: Math.max(0, Math.min(share(product.requested), 100 - before)),
      color: gpuProductColor(index),
    };
  });
  const summary = `${total.requested} of ${total.allocatable} GPUs in use, ${total.free} free`;
  return (
    <Group gap="lg" wrap="nowrap" align="center">
      <Box role="img" aria-label={summary}>
        <RingProgress
          size={148}
          thickness={14}
          roundCaps
          sections={sections.filter((section) => section.value > 0)}
          label={
            <Stack gap={0} align="center" aria-hidden>
              <Text fw={700} fz={28} lh={1.1}>
                {total.free}
              </Text>
              <Text size="xs" c={accessibleColors.muted}>
                free of {total.allocatable}
              </Text>
            </Stack>
          }
        />
      </Box>
      <Stack gap={6} miw={0}>
        <Text fw={600}>{summary}</Text>
        {products.map((product, index) => (
          <Group key={gpuProductKey(product)} gap="xs" wrap="nowrap">
            <ColorSwatch
              color={`var(--mantine-color-${gpuProductColor(index)}-filled)`}
              size={12}
              withShadow={false}
              aria-hidden
            />
            <Text size="sm">
              {product.productName}: {product.requested} used
            </Text>
          </Group>
        ))}
      </Stack>
    </Group>
  );
}
