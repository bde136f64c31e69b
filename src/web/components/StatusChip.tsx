import { Badge, type BadgeProps } from '@mantine/core';
import {
  IconAlertTriangle,
  IconCircleCheck,
  IconCircleX,
  IconHourglass,
  IconLoader2,
  IconPlayerPause,
  IconPlayerPauseFilled,
  IconTrash,
  type TablerIcon,
} from '@tabler/icons-react';

import type { ClusterSummary } from '../../shared/api/clusterSchemas.ts';

/** One of the eight phases of `deriveClusterPhase`. */
export type ClusterPhase = ClusterSummary['phase'];

/**
 * Colour and icon of each phase, so a phase never relies on colour alone: green means ready,
 * yellow waiting, blue on the way, orange partly broken, red broken, grey parked or going away.
 */
const phaseLooks: Record<ClusterPhase, { color: string; icon: TablerIcon }> = {
  Pending: { color: 'yellow', icon: IconHourglass },
  Provisioning: { color: 'blue', icon: IconLoader2 },
  Ready: { color: 'green', icon: IconCircleCheck },
  Degraded: { color: 'orange', icon: IconAlertTriangle },
  Suspending: { color: 'gray', icon: IconPlayerPause },
  Suspended: { color: 'gray', icon: IconPlayerPauseFilled },
  Failed: { color: 'red', icon: IconCircleX },
  Deleting: { color: 'dark', icon: IconTrash },
};

/** Props of {@link StatusChip}: the phase, plus any Badge prop (size, `data-testid`, title). */
export interface StatusChipProps extends Omit<BadgeProps, 'children' | 'color' | 'leftSection'> {
  phase: ClusterPhase;
  /** Optional tooltip text, e.g. the phase's reason. */
  title?: string;
  'data-testid'?: string;
}

/**
 * A cluster's phase as a chip with tint, coloured icon and the phase's name as its text (exactly
 * `Ready`, `Pending`…, which the e2e tests and screen readers read). Used by the clusters list
 * and the detail page.
 */
export function StatusChip({ phase, ...badgeProps }: StatusChipProps) {
  const look = phaseLooks[phase];
  const Icon = look.icon;
  return (
    <Badge
      variant="light"
      color={look.color}
      tt="none"
      // Text in the body's strongest colour: tinted text on a tinted chip (yellow, green,
      // orange) is below WCAG AA contrast; the icon and the tint carry the colour.
      c="bright"
      leftSection={
        <Icon
          size={14}
          stroke={2}
          aria-hidden
          color={`var(--mantine-color-${look.color}-light-color)`}
        />
      }
      {...badgeProps}
    >
      {phase}
    </Badge>
  );
}
