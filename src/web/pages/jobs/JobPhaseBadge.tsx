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
import { PhaseChip, type PhaseChipProps } from '../../components/StatusChip.tsx';

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
export interface JobPhaseBadgeProps extends PhaseChipProps {
  phase: JobPhase;
}

/** A job's phase as a {@link PhaseChip} (text exactly the phase: `Running`, `Succeeded`…). */
export function JobPhaseBadge({ phase, ...badgeProps }: JobPhaseBadgeProps) {
  return <PhaseChip label={phase} look={jobPhaseLooks[phase]} {...badgeProps} />;
}
