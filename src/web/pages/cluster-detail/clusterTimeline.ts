import type { ClusterDetail } from '../../../shared/api/clusterSchemas.ts';
import type { RayClusterResource } from '../../../shared/ray/rayTypes.ts';
import { RayClusterConditionType } from '../../../shared/ray/rayTypes.ts';

/** How a timeline entry reads: a step done, a neutral change, a warning, or a failure. */
export type TimelineTone = 'done' | 'info' | 'warning' | 'failure';

/** One moment in a cluster's life. */
export interface TimelineEntry {
  /** RFC 3339 time of the moment. */
  at: string;
  title: string;
  detail?: string;
  tone: TimelineTone;
}

/** How many entries the timeline keeps: the latest ones. */
export const timelineLength = 12;

/** Operator events worth a step of their own (KubeRay's `K8sEventType` reasons). */
const milestoneEvents: Readonly<Record<string, { one: string; many: string }>> = {
  CreatedHeadPod: { one: 'Head pod created', many: 'Head pods created' },
  CreatedWorkerPod: { one: 'Worker pod created', many: 'Worker pods created' },
  DeletedHeadPod: { one: 'Head pod deleted', many: 'Head pods deleted' },
  DeletedWorkerPod: { one: 'Worker pod deleted', many: 'Worker pods deleted' },
  CreatedService: { one: 'Service created', many: 'Services created' },
  CreatedIngress: { one: 'Ingress created', many: 'Ingresses created' },
  DeletedPod: { one: 'Pods deleted', many: 'Pods deleted' },
};

/** Head readiness reasons that only mean "not there yet", not a problem. */
const quietHeadReasons = new Set(['', 'HeadPodNotFound', 'Unknown']);

/**
 * The cluster's timeline, oldest first and at most {@link timelineLength} entries: its
 * creation; the last transition of each KubeRay condition (head ready, provisioned, replica
 * failure, suspending, suspended), which is all a condition remembers; a suspension that is
 * over, from `status.stateTransitionTimes.suspended` (KubeRay keeps the last time of each state)
 * and the resume from `RayClusterSuspended` turning False after it; the operator's pod and
 * service events, one entry per reason with a count; every kind of Warning event, with its
 * latest message; and a requested deletion. Normal pod events (Scheduled, Pulled, Started) are
 * left to the events table.
 */
export function clusterTimeline(
  resource: RayClusterResource,
  events: ClusterDetail['events'],
): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  const created = resource.metadata.creationTimestamp;
  if (created) entries.push({ at: created, title: 'Created', tone: 'done' });

  const suspendedAt = resource.status?.stateTransitionTimes?.['suspended'];
  const conditions = resource.status?.conditions ?? [];
  const suspendedNow = conditions.some(
    (condition) =>
      condition.type === RayClusterConditionType.suspended && condition.status === 'True',
  );
  if (suspendedAt && !suspendedNow) {
    entries.push({ at: suspendedAt, title: 'Suspended', tone: 'info' });
  }
  for (const condition of conditions) {
    const at = condition.lastTransitionTime;
    if (!at) continue;
    const on = condition.status === 'True';
    const detail = condition.message || condition.reason;
    switch (condition.type) {
      case RayClusterConditionType.headPodReady:
        if (on) entries.push({ at, title: 'Head ready', tone: 'done' });
        else if (!quietHeadReasons.has(condition.reason ?? '')) {
          entries.push({ at, title: 'Head not ready', tone: 'warning', detail: condition.reason });
        }
        break;
      case RayClusterConditionType.provisioned:
        if (on) {
          entries.push({
            at,
            title: 'Provisioned',
            detail: 'Every pod was ready for the first time',
            tone: 'done',
          });
        }
        break;
      case RayClusterConditionType.replicaFailure:
        if (on)
          entries.push({
            at,
            title: 'Pod creation failed',
            tone: 'failure',
            ...(detail ? { detail } : {}),
          });
        break;
      case RayClusterConditionType.suspending:
        if (on) entries.push({ at, title: 'Suspending', tone: 'info' });
        break;
      case RayClusterConditionType.suspended:
        if (on) entries.push({ at, title: 'Suspended', tone: 'info' });
        else if (suspendedAt && Date.parse(at) > Date.parse(suspendedAt)) {
          entries.push({ at, title: 'Resumed', tone: 'info' });
        }
        break;
    }
  }

  const byReason = new Map<string, { latest: ClusterDetail['events'][number]; count: number }>();
  for (const event of events) {
    if (!event.lastSeen) continue;
    if (event.type !== 'Warning' && !milestoneEvents[event.reason]) continue;
    const key = `${event.type}/${event.reason}`;
    const seen = byReason.get(key);
    const count = (seen?.count ?? 0) + Math.max(event.count, 1);
    const latest = seen && (seen.latest.lastSeen ?? '') >= event.lastSeen ? seen.latest : event;
    byReason.set(key, { latest, count });
  }
  for (const { latest, count } of byReason.values()) {
    const at = latest.lastSeen ?? '';
    const milestone = milestoneEvents[latest.reason];
    if (latest.type === 'Warning') {
      entries.push({
        at,
        title: count > 1 ? `${latest.reason} (${count}×)` : latest.reason,
        detail: latest.message,
        tone: 'warning',
      });
    } else if (milestone) {
      entries.push({
        at,
        title: count > 1 ? `${milestone.many} (${count})` : milestone.one,
        tone: 'info',
        // Why pods were deleted (suspension, spec change) is in the operator's message.
        ...(latest.reason === 'DeletedPod' && latest.message ? { detail: latest.message } : {}),
      });
    }
  }

  const deleting = resource.metadata.deletionTimestamp;
  if (deleting) entries.push({ at: deleting, title: 'Deletion requested', tone: 'info' });

  // Times are compared as instants: Kubernetes writes `…:24Z` and `…:24.123456Z` alike, which
  // sort wrongly as strings. Equal instants keep the order above (creation first).
  return entries
    .map((entry, order) => ({ entry, order, time: Date.parse(entry.at) }))
    .sort((left, right) => left.time - right.time || left.order - right.order)
    .map(({ entry }) => entry)
    .slice(-timelineLength);
}
