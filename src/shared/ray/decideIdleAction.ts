/**
 * The idle policy's decision for one cluster, as a pure function of the Ray head's own signals
 * and an injected "now" (issue 16). Not wired to a controller yet: the portal-side controller
 * (Lease holder, warnings, suspend through ClusterService) is to be built on it.
 */

/** Ray's job states that keep a cluster busy (`GET /api/jobs/`, `JobStatus`). */
const busyJobStatuses = new Set(['PENDING', 'RUNNING']);

/** What the head's dashboard answered; absent parts were not reachable. */
export interface HeadSignals {
  /** `GET /api/jobs/`: each job's `status`. */
  jobs?: readonly { status?: string; submission_id?: string | null; job_id?: string | null }[];
  /** `GET /api/serve/applications/`: `applications` keyed by app name. */
  serveApplications?: Readonly<Record<string, unknown>>;
  /** `GET /api/component_activities`: `is_active` per component (`driver`, notebooks …). */
  componentActivities?: Readonly<Record<string, { is_active?: string } | undefined>>;
}

/**
 * Whether the head says it is busy, and why, in words. Unreachable signals count as busy: a
 * cluster is never suspended because the portal could not ask it.
 */
export function headActivity(signals: HeadSignals): { busy: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (!signals.jobs) reasons.push('jobs unknown (dashboard not reachable)');
  const live = (signals.jobs ?? []).filter((job) => busyJobStatuses.has(job.status ?? ''));
  if (live.length > 0) reasons.push(`${live.length} running or pending job(s)`);
  const apps = Object.keys(signals.serveApplications ?? {});
  if (apps.length > 0) reasons.push(`Serve app(s) ${apps.join(', ')}`);
  for (const [component, activity] of Object.entries(signals.componentActivities ?? {})) {
    if (activity?.is_active === 'ACTIVE') reasons.push(`${component} active`);
  }
  return { busy: reasons.length > 0, reasons };
}

/** A cluster's effective policy, in seconds (absent: no limit). */
export interface IdlePolicy {
  idleTimeoutSeconds?: number;
  maxLifetimeSeconds?: number;
  /** How long before acting the owner is warned. */
  warnBeforeSeconds: number;
  /** What the end of the lifetime does (the template says). */
  lifetimeAction: 'suspend' | 'delete';
}

/** The decision for one cluster at `now`. */
export interface IdleDecision {
  action: 'none' | 'warn' | 'suspend' | 'delete';
  /** Plain words for the audit and the cluster page, e.g. "suspended after 1 h idle". */
  reason: string;
  /** Seconds idle so far (0 when busy). */
  idleSeconds: number;
  /** When the idle timeout or lifetime acts next, for the list's countdown. */
  actsAt?: Date;
}

/** "1 h", "2 min", "90 s", "1 h 30 min": how the reasons read. */
export function formatSeconds(seconds: number): string {
  const whole = Math.round(seconds);
  if (whole < 120 && whole % 60 !== 0) return `${whole} s`;
  const hours = Math.floor(whole / 3600);
  const minutes = Math.round((whole % 3600) / 60);
  if (hours === 0) return `${minutes} min`;
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}

/**
 * The action due at `now` for a cluster created at `createdAt`, idle since `idleSince` (undefined
 * while busy). The lifetime wins over idleness when both are due; a warning is due within
 * `warnBeforeSeconds` of either.
 */
export function decideIdleAction(input: {
  policy: IdlePolicy;
  createdAt: Date;
  idleSince: Date | undefined;
  now: Date;
}): IdleDecision {
  const { policy, createdAt, idleSince, now } = input;
  const idleSeconds = idleSince ? Math.max(0, (now.getTime() - idleSince.getTime()) / 1000) : 0;
  const candidates: { at: Date; action: 'suspend' | 'delete'; reason: string }[] = [];
  if (policy.maxLifetimeSeconds !== undefined) {
    candidates.push({
      at: new Date(createdAt.getTime() + policy.maxLifetimeSeconds * 1000),
      action: policy.lifetimeAction,
      reason: `${policy.lifetimeAction === 'delete' ? 'deleted' : 'suspended'} at the end of its ${formatSeconds(policy.maxLifetimeSeconds)} lifetime`,
    });
  }
  if (policy.idleTimeoutSeconds !== undefined && idleSince) {
    candidates.push({
      at: new Date(idleSince.getTime() + policy.idleTimeoutSeconds * 1000),
      action: 'suspend',
      reason: `suspended after ${formatSeconds(policy.idleTimeoutSeconds)} idle`,
    });
  }
  // Earliest first; on a tie the lifetime (pushed first) wins.
  const next = candidates.sort((a, b) => a.at.getTime() - b.at.getTime())[0];
  if (!next) return { action: 'none', reason: '', idleSeconds };
  const left = (next.at.getTime() - now.getTime()) / 1000;
  if (left <= 0) return { action: next.action, reason: next.reason, idleSeconds, actsAt: next.at };
  if (left <= policy.warnBeforeSeconds) {
    return {
      action: 'warn',
      reason: `will be ${next.reason} in ${formatSeconds(left)}`,
      idleSeconds,
      actsAt: next.at,
    };
  }
  return { action: 'none', reason: '', idleSeconds, actsAt: next.at };
}
