import type { KubeObject } from '../../apiserver/resourceType.ts';
import { StatusError } from '../../apiserver/statusError.ts';
import type { RunningController, WorldContext } from '../../world/worldContext.ts';
import { type ReconcileResult, WorkQueue } from '../WorkQueue.ts';
import {
  type CoreTypes,
  isNotFound,
  isPodActive,
  isPodReady,
  onlyStatusChanged,
  podStatusOf,
  readySince,
  timeString,
  writeStatus,
} from './coreApi.ts';
import type { PodIndex } from './PodIndex.ts';
import { podFromTemplate, type PodTemplate } from './workloadHelpers.ts';

/** Name of the ReplicaSet controller in events (`reportingController`). */
export const replicaSetControllerName = 'replicaset-controller';

interface ReplicaSetSpec {
  replicas?: number;
  minReadySeconds?: number;
  template?: PodTemplate;
}

/** First retry after a failed pod create (quota, say), doubling to {@link maxRetryMs}. */
const firstRetryMs = 5;
const maxRetryMs = 1_000_000;

function restartsOf(pod: KubeObject): number {
  const statuses =
    (podStatusOf(pod)['containerStatuses'] as { restartCount?: number }[] | undefined) ?? [];
  return statuses.reduce((total, status) => Math.max(total, status.restartCount ?? 0), 0);
}

function phaseRank(pod: KubeObject): number {
  const phase = podStatusOf(pod).phase;
  return phase === 'Pending' ? 0 : phase === 'Unknown' ? 1 : phase === 'Running' ? 2 : 3;
}

/**
 * The order in which a ReplicaSet gives up pods when scaling down (`controller.ActivePods`):
 * unscheduled before scheduled, pending before running, not ready before ready, recently ready
 * before long ready, more restarts before fewer, newer before older.
 */
export function comparePodsForDeletion(a: KubeObject, b: KubeObject): number {
  const assigned = (pod: KubeObject) =>
    (pod['spec'] as { nodeName?: string } | undefined)?.nodeName ? 1 : 0;
  if (assigned(a) !== assigned(b)) return assigned(a) - assigned(b);
  if (phaseRank(a) !== phaseRank(b)) return phaseRank(a) - phaseRank(b);
  const ready = (pod: KubeObject) => (isPodReady(pod) ? 1 : 0);
  if (ready(a) !== ready(b)) return ready(a) - ready(b);
  const readyA = readySince(a) ?? 0;
  const readyB = readySince(b) ?? 0;
  if (readyA !== readyB) return readyB - readyA;
  if (restartsOf(a) !== restartsOf(b)) return restartsOf(b) - restartsOf(a);
  const createdA = Date.parse(a.metadata?.creationTimestamp ?? '') || 0;
  const createdB = Date.parse(b.metadata?.creationTimestamp ?? '') || 0;
  return createdB - createdA;
}

/**
 * The ReplicaSet controller: keeps `spec.replicas` active pods named `<rs>-<5 random>` from the
 * template, owned by the ReplicaSet (so garbage collection cascades), scales down in
 * `ActivePods` order, reports replicas/fullyLabeled/ready/available and `ReplicaFailure` when
 * creates are refused (a quota), retrying with backoff.
 */
export function startReplicaSetController(
  context: WorldContext,
  types: CoreTypes,
  pods: PodIndex,
): RunningController {
  const { api, clock, events } = context;
  const failures = new Map<string, number>();

  const reconcile = (key: string): ReconcileResult => {
    const [namespace = '', name = ''] = key.split('/');
    const rs = api.find(types.replicaSets, namespace, name);
    if (!rs || rs.metadata?.deletionTimestamp) {
      failures.delete(key);
      return undefined;
    }
    const spec = (rs['spec'] ?? {}) as ReplicaSetSpec;
    const desired = spec.replicas ?? 1;
    const uid = rs.metadata?.uid ?? '';
    const active = pods.ownedBy(uid).filter(isPodActive);
    let createError: StatusError | undefined;
    if (active.length < desired) {
      for (let index = active.length; index < desired; index++) {
        try {
          const created = api.create(
            types.pods,
            namespace,
            podFromTemplate({ template: spec.template ?? {}, owner: rs, generateName: `${name}-` }),
          ).object;
          events.record({
            regarding: rs,
            type: 'Normal',
            reason: 'SuccessfulCreate',
            note: `Created pod: ${created.metadata?.name ?? ''}`,
            reportingController: replicaSetControllerName,
          });
        } catch (error) {
          if (!(error instanceof StatusError)) throw error;
          createError = error;
          events.record({
            regarding: rs,
            type: 'Warning',
            reason: 'FailedCreate',
            note: `Error creating: ${error.message}`,
            reportingController: replicaSetControllerName,
          });
          break;
        }
      }
    } else if (active.length > desired) {
      for (const pod of [...active]
        .sort(comparePodsForDeletion)
        .slice(0, active.length - desired)) {
        try {
          api.delete(types.pods, namespace, pod.metadata?.name ?? '');
          events.record({
            regarding: rs,
            type: 'Normal',
            reason: 'SuccessfulDelete',
            note: `Deleted pod: ${pod.metadata?.name ?? ''}`,
            reportingController: replicaSetControllerName,
          });
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      }
    }

    const now = clock.now();
    const minReadyMs = (spec.minReadySeconds ?? 0) * 1000;
    const current = pods.ownedBy(uid).filter(isPodActive);
    const templateLabels = Object.entries(spec.template?.metadata?.labels ?? {});
    let ready = 0;
    let available = 0;
    let nextAvailable: number | undefined;
    for (const pod of current) {
      if (!isPodReady(pod)) continue;
      ready++;
      const since = readySince(pod) ?? now;
      if (since + minReadyMs <= now) available++;
      else nextAvailable = Math.min(nextAvailable ?? Infinity, since + minReadyMs);
    }
    const fullyLabeled = current.filter((pod) =>
      templateLabels.every(([label, value]) => pod.metadata?.labels?.[label] === value),
    ).length;
    const previous = (rs['status'] ?? {}) as {
      conditions?: { type: string; lastTransitionTime?: string }[];
    };
    const failureCondition = createError
      ? {
          type: 'ReplicaFailure',
          status: 'True',
          lastTransitionTime:
            previous.conditions?.find((condition) => condition.type === 'ReplicaFailure')
              ?.lastTransitionTime ?? timeString(now),
          reason: 'FailedCreate',
          message: createError.message,
        }
      : undefined;
    const status = {
      replicas: current.length,
      ...(fullyLabeled ? { fullyLabeledReplicas: fullyLabeled } : {}),
      ...(ready ? { readyReplicas: ready } : {}),
      ...(available ? { availableReplicas: available } : {}),
      ...(rs.metadata?.generation ? { observedGeneration: rs.metadata.generation } : {}),
      ...(failureCondition ? { conditions: [failureCondition] } : {}),
    };
    if (JSON.stringify(status) !== JSON.stringify(rs['status'] ?? {})) {
      writeStatus(api, types.replicaSets, namespace, name, status, uid);
    }
    if (createError) {
      const count = (failures.get(key) ?? 0) + 1;
      failures.set(key, count);
      return { requeueAfterMs: Math.min(maxRetryMs, firstRetryMs * 2 ** count) };
    }
    failures.delete(key);
    if (nextAvailable !== undefined) return { requeueAfterMs: nextAvailable - now };
    return undefined;
  };

  const queue = new WorkQueue({ name: replicaSetControllerName, clock, reconcile });
  for (const record of api.store.list(types.replicaSets.storageKey)) {
    const meta = record.object.metadata;
    queue.add(`${meta?.namespace ?? ''}/${meta?.name ?? ''}`);
  }
  const unsubscribeSets = api.store.subscribe(types.replicaSets.storageKey, (event) => {
    if (event.type === 'DELETED') return;
    // Our own status writes change nothing we act on.
    if (onlyStatusChanged(event)) return;
    const meta = event.record.object.metadata;
    queue.add(`${meta?.namespace ?? ''}/${meta?.name ?? ''}`);
  });
  const unsubscribePods = pods.onChange((change) => {
    const owner = change.pod.metadata?.ownerReferences?.find(
      (reference) => reference.controller && reference.kind === 'ReplicaSet',
    );
    if (!owner) return;
    queue.add(`${change.pod.metadata?.namespace ?? ''}/${owner.name}`);
  });
  return {
    stop: () => {
      unsubscribeSets();
      unsubscribePods();
      queue.stop();
    },
  };
}
