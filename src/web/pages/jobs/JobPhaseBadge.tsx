import { Badge, type BadgeProps } from '@mantine/core';
import {
  IconCircleCheck,
  IconCircleX,
  IconClockPause,
  IconHourglass,
  IconLoader2,
  IconPlayerStop,
  IconQuestionMark,
  type TablerIcon,
} from '@tabler/icons-react';

import type { JobPhase } from '../../../shared/api/jobSchemas.ts';

/**
 * Colour and icon of each job phase, so a phase never relies on colour alone: yellow waits, blue
 * runs, green succeeded, red failed, grey stopped or lost (the cluster went before the end).
 */
export const jobPhaseLooks: Record<JobPhase, { color: string; icon: TablerIcon }> = {
  Waiting: { color: 'yellow', icon: IconClockPause },
  Pending: { color: 'yellow', icon: IconHourglass },
  Running: { color: 'blue', icon: IconLoader2 },
  Succeeded: { color: 'green', icon: IconCircleCheck },
  Failed: { color: 'red', icon: IconCircleX },
  Stopped: { color: 'gray', icon: IconPlayerStop },
  Lost: { color: 'gray', icon: IconQuestionMark },
};

/** Props of {@link JobPhaseBadge}. */
export interface JobPhaseBadgeProps extends Omit<BadgeProps, 'children' | 'color' | 'leftSection'> {
  phase: JobPhase;
  title?: string;
  'data-testid'?: string;
}

/**
 * A job's phase as a chip whose text is exactly the phase (`Running`, `Succeeded`…), which the
 * e2e tests and screen readers read; the icon and tint carry the colour (text stays AA).
 */
export function JobPhaseBadge({ phase, ...badgeProps }: JobPhaseBadgeProps) {
  const look = jobPhaseLooks[phase];
  const Icon = look.icon;
  return (
    <Badge
      variant="light"
      color={look.color}
      tt="none"
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
