import { Badge, type BadgeProps } from '@mantine/core';
import {
  IconAlertTriangle,
  IconArrowsVertical,
  IconCircleCheck,
  IconCircleX,
  IconHourglass,
  IconListNumbers,
  IconLoader2,
  IconPlayerPause,
  IconPlayerPauseFilled,
  IconTrash,
  type TablerIcon,
} from '@tabler/icons-react';

import {
  type ClusterPhase,
  clusterPhaseInfo,
  type ClusterPhaseTone,
} from '../../shared/ray/clusterPhase.ts';

export type { ClusterPhase } from '../../shared/ray/clusterPhase.ts';

/**
 * Colour and icon of each tone (`clusterPhaseInfo` gives every phase one), so a phase never
 * relies on colour alone: green means ready, yellow waiting, blue on the way, orange partly
 * broken, red broken, grey parked or going away.
 */
const toneLooks: Record<ClusterPhaseTone, { color: string; icon: TablerIcon }> = {
  waiting: { color: 'yellow', icon: IconHourglass },
  starting: { color: 'blue', icon: IconLoader2 },
  ok: { color: 'green', icon: IconCircleCheck },
  partial: { color: 'orange', icon: IconAlertTriangle },
  broken: { color: 'red', icon: IconCircleX },
  parked: { color: 'gray', icon: IconPlayerPauseFilled },
  leaving: { color: 'dark', icon: IconTrash },
};

/** Icons that tell apart phases sharing a tone; the rest use their tone's icon. */
const phaseIcons: Partial<Record<ClusterPhase, TablerIcon>> = {
  Queued: IconListNumbers,
  Scaling: IconArrowsVertical,
  Suspending: IconPlayerPause,
};

/** Colour and icon of a phase, from its tone. */
export function phaseLook(phase: ClusterPhase): { color: string; icon: TablerIcon } {
  const look = toneLooks[clusterPhaseInfo[phase].tone];
  return { color: look.color, icon: phaseIcons[phase] ?? look.icon };
}

/** Props of {@link PhaseChip}: any Badge prop (size, `data-testid`, title) besides its own. */
export interface PhaseChipProps extends Omit<BadgeProps, 'children' | 'color' | 'leftSection'> {
  /** Optional tooltip text, e.g. the phase's reason. */
  title?: string;
  'data-testid'?: string;
}

/**
 * A phase as a chip with tint, coloured icon and the phase's name as its text (exactly `Ready`,
 * `Running`…, which the e2e tests and screen readers read): the one look of cluster and job
 * phases.
 */
export function PhaseChip({
  label,
  look,
  ...badgeProps
}: PhaseChipProps & { label: string; look: { color: string; icon: TablerIcon } }) {
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
      {label}
    </Badge>
  );
}

/** Props of {@link StatusChip}: the phase, plus any Badge prop (size, `data-testid`, title). */
export interface StatusChipProps extends PhaseChipProps {
  phase: ClusterPhase;
}

/** A cluster's phase as a {@link PhaseChip}. Used by the clusters list and the detail page. */
export function StatusChip({ phase, ...badgeProps }: StatusChipProps) {
  return <PhaseChip label={phase} look={phaseLook(phase)} {...badgeProps} />;
}
