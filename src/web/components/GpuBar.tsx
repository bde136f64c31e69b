import { Box, Group, Text } from '@mantine/core';

/** Props of {@link GpuBar}. */
export interface GpuBarProps {
  /** GPUs the scheduler may hand out (node allocatable, or a sum of them). */
  total: number;
  /** GPUs requested by pods bound there; may exceed `total` while pods drain. */
  used: number;
  /** Accessible name, e.g. "NVIDIA A100 on gpu-node-1". */
  label: string;
  /** Bar height in px. Defaults to 10. */
  height?: number;
  /** Hide the "3 of 4 free" text (it stays the meter's value text). Defaults to false. */
  hideText?: boolean;
}

/**
 * GPUs used and free as one bar: a `meter` whose value is the free count out of the total, with
 * the text "3 of 4 free". The used part is filled, the free part is the track; colours come from
 * the theme so both colour schemes work.
 */
export function GpuBar({ total, used, label, height = 10, hideText = false }: GpuBarProps) {
  const free = Math.max(0, total - used);
  const text = `${free} of ${total} free`;
  const usedShare = total > 0 ? Math.min(1, used / total) : 0;
  const color = free === 0 && total > 0 ? 'orange' : 'indigo';
  return (
    <Group gap="sm" wrap="nowrap" miw={0}>
      <Box
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={free}
        aria-valuetext={text}
        flex={1}
        miw={60}
        h={height}
        bg="var(--mantine-color-default-border)"
        style={{ borderRadius: height / 2, overflow: 'hidden' }}
      >
        <Box
          h="100%"
          w={`${usedShare * 100}%`}
          bg={`var(--mantine-color-${color}-filled)`}
          style={{ transition: 'width 200ms ease' }}
        />
      </Box>
      {!hideText && (
        <Text
          size="sm"
          fw={free === 0 && total > 0 ? 600 : undefined}
          style={{ whiteSpace: 'nowrap' }}
        >
          {text}
        </Text>
      )}
    </Group>
  );
}
