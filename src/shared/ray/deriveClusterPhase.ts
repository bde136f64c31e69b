import type { KubeCondition, PodResource } from '../k8s/kubeTypes.ts';
import type { ClusterPhase as Phase } from './clusterPhase.ts';
import { kueueQueueNameLabel, suspendedByAnnotation } from './clusterPhase.ts';
import { schedulingHeadline } from './parseFailedScheduling.ts';
import { parseQuotaRejection } from './parseQuotaRejection.ts';
import type { PodState } from './podState.ts';
import { podState } from './podState.ts';
import { isPodOfCluster, isPodOfGroup, rayClusterGroups } from './rayClusterGroups.ts';
import type { RayClusterResource } from './rayTypes.ts';
import { RayClusterConditionType } from './rayTypes.ts';

/**
 * The phases by name, for readable code below; the list itself (and its order) is
 * `clusterPhases` in `clusterPhase.ts`.
 */
export const ClusterPhase = {
  pending: 'Pending',
  queued: 'Queued',
  provisioning: 'Provisioning',
  scaling: 'Scaling',
  ready: 'Ready',
  degraded: 'Degraded',
  suspending: 'Suspending',
  suspended: 'Suspended',
  failed: 'Failed',
  deleting: 'Deleting',
} as const satisfies Record<string, Phase>;
/** One of the phases (`clusterPhases`). */
export type ClusterPhase = Phase;

/** A phase and one short human sentence saying why. */
export interface ClusterPhaseResult {
  phase: ClusterPhase;
  reason: string;
}

/** HeadPodReady reasons (KubeRay copies the first waiting container reason) that mean failure. */
const failedHeadReasons = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

function condition(cluster: RayClusterResource, type: string): KubeCondition | undefined {
  return cluster.status?.conditions?.find((candidate) => candidate.type === type);
}

function isTrue(cluster: RayClusterResource, type: string): boolean {
  return condition(cluster, type)?.status === 'True';
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** First line of a ReplicaFailure message without KubeRay's marker line, as one short clause. */
function replicaFailureClause(message: string | undefined): string {
  const text = (message ?? '').split('\n').slice(1).join(' ').trim() || (message ?? '').trim();
  const quota = parseQuotaRejection(text);
  if (quota?.kind === 'exceeded') return `exceeded quota ${quota.quota}`;
  if (quota?.kind === 'mustSpecify') return `quota ${quota.quota} requires resource limits`;
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

function failureSentence(pod: PodState): string {
  const failure = pod.failure;
  if (!failure) return '';
  switch (failure.kind) {
    case 'image':
      return `cannot pull image ${failure.image ?? '(unknown)'} (${failure.reason})`;
    case 'crash':
      return `container ${failure.container ?? ''} is crash-looping (${plural(failure.restartCount, 'restart')}${failure.lastExitCode === undefined ? '' : `, last exit code ${failure.lastExitCode}`})`;
    case 'config':
      return `container ${failure.container ?? ''} cannot start (${failure.reason})`;
    case 'failed':
      return `has failed (${failure.reason})`;
  }
}

/**
 * The phase of a RayCluster from its conditions and pods, never from the deprecated, sticky
 * `status.state` (it stays `ready` forever once set). Precedence, first match wins:
 *
 * 1. **Deleting**: `metadata.deletionTimestamp` is set.
 * 2. **Queued**: `spec.suspend` is true, the cluster has Kueue's `kueue.x-k8s.io/queue-name`
 *    label, and its owner did not suspend it (no `raydeck.dev/suspended-by` annotation, which
 *    Raydeck's suspend sets): Kueue holds it until its queue admits it. A suspend made outside
 *    Raydeck on a queued cluster reads as Queued too (nothing tells the two apart).
 * 3. **Suspended**: condition `RayClusterSuspended=True` while `spec.suspend` is true, or
 *    `spec.suspend` with no pods left when conditions are missing (gate off). With
 *    `spec.suspend` false it is resuming: **Pending**.
 * 4. **Suspending**: condition `RayClusterSuspending=True` or `spec.suspend` true.
 * 5. **Failed**: the head pod is in a terminal failure (ErrImagePull, ImagePullBackOff,
 *    InvalidImageName, CrashLoopBackOff, Create/RunContainer errors, phase Failed), or
 *    `ReplicaFailure=True` with reason `FailedCreateHeadPod` and no head pod. Without pods,
 *    a `HeadPodReady=False` reason from that list.
 * 6. **Ready**: the head is ready (head pod Ready, else condition `HeadPodReady=True`) and
 *    ready workers ≥ desired workers (clamp(replicas, min, max) × numOfHosts per group).
 * 7. **Degraded**: `RayClusterProvisioned=True` (all pods were ready once) and something that
 *    ran is failing or lost: the head is not ready, or a worker is failing (crash loop, image,
 *    config, phase Failed) or lost (phase Unknown: its node stopped answering).
 * 8. **Scaling**: `RayClusterProvisioned=True`, the head is ready, and the only gap is workers
 *    being created or starting (a scale-up, or a lost worker being replaced), including
 *    workers the scheduler or a quota holds back; the reason says which.
 * 9. **Pending**: a pod is unschedulable (PodScheduled=False, Unschedulable), fewer pods exist
 *    than wanted (not created yet or rejected, e.g. `ReplicaFailure`), or there are no pods.
 * 10. **Provisioning**: all pods exist and are starting.
 *
 * `pods` may hold any pods (they are filtered by label `ray.io/cluster` and namespace);
 * without it, counts come from `status.readyWorkerReplicas` and conditions, and a worker that
 * runs but is not ready (`availableWorkerReplicas` > `readyWorkerReplicas`) reads as Degraded,
 * since without pods a crash-looping worker and a starting one look the same. The server
 * always passes pods.
 * @see https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/observability.html#raycluster-status-conditions
 * @see https://github.com/ray-project/kuberay/blob/master/ray-operator/controllers/ray/raycluster_controller.go
 */
export function deriveClusterPhase(
  cluster: RayClusterResource,
  pods?: readonly PodResource[],
): ClusterPhaseResult {
  const own = pods?.filter((pod) => isPodOfCluster(pod, cluster));
  const live = own?.filter((pod) => !pod.metadata.deletionTimestamp);
  const suspend = cluster.spec.suspend === true;

  if (cluster.metadata.deletionTimestamp) {
    const finalizers = cluster.metadata.finalizers ?? [];
    const remaining = own?.length ?? 0;
    const waits = [
      remaining > 0 ? `${plural(remaining, 'pod')} left` : '',
      finalizers.length > 0 ? `finalizer ${finalizers.join(', ')} pending` : '',
    ].filter(Boolean);
    return {
      phase: ClusterPhase.deleting,
      reason: `Deletion requested${waits.length > 0 ? `; ${waits.join(', ')}` : ''}.`,
    };
  }

  const queue = cluster.metadata.labels?.[kueueQueueNameLabel];
  if (suspend && queue && !cluster.metadata.annotations?.[suspendedByAnnotation]) {
    const remaining = own?.length ?? 0;
    return {
      phase: ClusterPhase.queued,
      reason: `Queued in Kueue queue ${queue}; waiting for admission${remaining > 0 ? ` (${plural(remaining, 'pod')} still to delete)` : ''}.`,
    };
  }

  if (isTrue(cluster, RayClusterConditionType.suspended)) {
    if (suspend) {
      return { phase: ClusterPhase.suspended, reason: 'Suspended: all Ray pods are deleted.' };
    }
    return {
      phase: ClusterPhase.pending,
      reason: 'Resume requested; waiting for the operator to recreate the pods.',
    };
  }
  if (
    suspend &&
    own !== undefined &&
    own.length === 0 &&
    !condition(cluster, 'RayClusterSuspending')
  ) {
    return { phase: ClusterPhase.suspended, reason: 'Suspended: all Ray pods are deleted.' };
  }
  if (suspend || isTrue(cluster, RayClusterConditionType.suspending)) {
    const remaining = own?.length;
    return {
      phase: ClusterPhase.suspending,
      reason:
        remaining === undefined
          ? 'Suspend requested; deleting Ray pods.'
          : `Suspend requested; ${plural(remaining, 'pod')} still to delete.`,
    };
  }

  const groups = rayClusterGroups(cluster);
  const workerGroups = groups.filter((group) => group.kind === 'worker');
  const desiredWorkers = workerGroups.reduce((sum, group) => sum + group.desired, 0);
  const headCondition = condition(cluster, RayClusterConditionType.headPodReady);
  const replicaFailure = condition(cluster, RayClusterConditionType.replicaFailure);
  const failing = replicaFailure?.status === 'True' ? replicaFailure : undefined;
  const provisioned = isTrue(cluster, RayClusterConditionType.provisioned);

  if (live === undefined) {
    // No pods given: conditions and status counts only.
    const readyWorkers = cluster.status?.readyWorkerReplicas ?? 0;
    if (headCondition?.status !== 'True' && failedHeadReasons.has(headCondition?.reason ?? '')) {
      return { phase: ClusterPhase.failed, reason: `Head pod: ${headCondition?.reason}.` };
    }
    if (failing?.reason === 'FailedCreateHeadPod') {
      return {
        phase: ClusterPhase.failed,
        reason: `The head pod cannot be created: ${replicaFailureClause(failing.message)}.`,
      };
    }
    const headReady = headCondition?.status === 'True';
    if (headReady && readyWorkers >= desiredWorkers) {
      return { phase: ClusterPhase.ready, reason: readyReason(desiredWorkers) };
    }
    if (provisioned) {
      const runningNotReady = (cluster.status?.availableWorkerReplicas ?? 0) > readyWorkers;
      if (!headReady || runningNotReady) {
        return {
          phase: ClusterPhase.degraded,
          reason: headReady
            ? `${readyWorkers} of ${plural(desiredWorkers, 'worker')} ready.`
            : 'Head pod not ready.',
        };
      }
      const blocked =
        failing && failing.reason !== 'FailedCreateHeadPod'
          ? `; pods cannot be created (${replicaFailureClause(failing.message)})`
          : '';
      return {
        phase: ClusterPhase.scaling,
        reason: `Scaling: ${readyWorkers} of ${plural(desiredWorkers, 'worker')} ready${blocked}.`,
      };
    }
    if (failing || !headCondition || headCondition.reason === 'HeadPodNotFound') {
      return {
        phase: ClusterPhase.pending,
        reason: failing
          ? `Pods cannot be created: ${replicaFailureClause(failing.message)}.`
          : 'Waiting for the operator to create the pods.',
      };
    }
    return {
      phase: ClusterPhase.provisioning,
      reason: `Pods starting: ${readyWorkers} of ${plural(desiredWorkers, 'worker')} ready.`,
    };
  }

  const headGroup = groups[0];
  const headPods = live.filter((pod) => headGroup && isPodOfGroup(pod, headGroup));
  const headStates = headPods.map(podState);
  const head = headStates.find((state) => state.ready) ?? headStates[0];
  const workerStates = live
    .filter((pod) => workerGroups.some((group) => isPodOfGroup(pod, group)))
    .map(podState);
  // Ready workers counted per group, up to what each wants: surplus in one group (scaling
  // down) does not make up for another.
  const readyByGroup = workerGroups.map((group) =>
    Math.min(
      group.desired,
      live.filter((pod) => isPodOfGroup(pod, group) && podState(pod).ready).length,
    ),
  );
  const readyWorkers = readyByGroup.reduce((sum, count) => sum + count, 0);

  if (head?.failure) {
    return {
      phase: ClusterPhase.failed,
      reason: `Head pod ${head.name} ${failureSentence(head)}.`,
    };
  }
  if (!head && failing?.reason === 'FailedCreateHeadPod') {
    return {
      phase: ClusterPhase.failed,
      reason: `The head pod cannot be created: ${replicaFailureClause(failing.message)}.`,
    };
  }

  const headReady = head?.ready === true;
  if (headReady && readyWorkers >= desiredWorkers) {
    return { phase: ClusterPhase.ready, reason: readyReason(desiredWorkers) };
  }

  const failedWorker = workerStates.find((state) => state.failure);
  const lostWorker = workerStates.find((state) => !state.ready && state.phase === 'Unknown');
  const notReadyClause = (): string => {
    if (!headReady) return head ? `head pod ${head.progress}` : 'no head pod';
    const detail = failedWorker
      ? `; ${failedWorker.name} ${failureSentence(failedWorker)}`
      : lostWorker
        ? `; ${lostWorker.name} is lost (its node stopped answering)`
        : '';
    return `${readyWorkers} of ${plural(desiredWorkers, 'worker')} ready${detail}`;
  };
  if (provisioned && (!headReady || failedWorker || lostWorker)) {
    return {
      phase: ClusterPhase.degraded,
      reason: `Was ready, now ${notReadyClause()}.`,
    };
  }

  const unschedulable = [...headStates, ...workerStates].filter(
    (state) => state.unschedulableMessage !== undefined,
  );
  // Per group, so that surplus pods of one group (scaling down) do not hide missing ones of another.
  const missing = groups.reduce(
    (sum, group) =>
      sum + Math.max(0, group.desired - live.filter((pod) => isPodOfGroup(pod, group)).length),
    0,
  );
  const missingClause = failing
    ? `${plural(missing, 'pod')} cannot be created (${replicaFailureClause(failing.message)})`
    : `${plural(missing, 'pod')} not created yet`;

  if (provisioned) {
    // The head is ready and nothing that ran is failing: workers are on their way.
    const starting = workerStates.filter(
      (state) => !state.ready && state.unschedulableMessage === undefined,
    );
    const gaps = [
      unschedulable.length > 0
        ? `${plural(unschedulable.length, 'pod')} cannot be scheduled (${schedulingHeadline(unschedulable[0]?.unschedulableMessage ?? '')})`
        : '',
      missing > 0 ? missingClause : '',
      starting[0] ? `${plural(starting.length, 'pod')} starting (${starting[0].progress})` : '',
    ].filter(Boolean);
    return {
      phase: ClusterPhase.scaling,
      reason: `Scaling: ${readyWorkers} of ${plural(desiredWorkers, 'worker')} ready${gaps.length > 0 ? `; ${gaps.join('; ')}` : ''}.`,
    };
  }
  if (unschedulable.length > 0 || missing > 0 || live.length === 0) {
    const parts: string[] = [];
    if (unschedulable.length > 0) {
      parts.push(
        `${plural(unschedulable.length, 'pod')} cannot be scheduled (${schedulingHeadline(unschedulable[0]?.unschedulableMessage ?? '')})`,
      );
    }
    if (missing > 0) parts.push(missingClause);
    const sentence = parts.join('; ');
    return {
      phase: ClusterPhase.pending,
      reason: `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`,
    };
  }

  return {
    phase: ClusterPhase.provisioning,
    reason: failedWorker
      ? `Pods starting; ${failedWorker.name} ${failureSentence(failedWorker)}.`
      : `Pods starting: ${notReadyClause()}.`,
  };
}

function readyReason(desiredWorkers: number): string {
  return desiredWorkers === 0
    ? 'Head pod ready; no workers wanted.'
    : `Head pod and ${plural(desiredWorkers, 'worker')} ready.`;
}
