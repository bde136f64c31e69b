import type { KubeObject } from '../../apiserver/resourceType.ts';
import { StatusError } from '../../apiserver/statusError.ts';
import type { RunningController, WorldContext } from '../../world/worldContext.ts';
import { type ReconcileResult, WorkQueue } from '../WorkQueue.ts';
import {
  type CoreTypes,
  isNotFound,
  isPodReady,
  isPodTerminal,
  onlyStatusChanged,
  podStatusOf,
  readySince,
  writeStatus,
} from './coreApi.ts';
import type { PodIndex } from './PodIndex.ts';
import {
  computeTemplateHash,
  podFromTemplate,
  type PodTemplate,
  stableJson,
} from './workloadHelpers.ts';

/** Name of the StatefulSet controller in events (`reportingController`). */
export const statefulSetControllerName = 'statefulset-controller';

interface StatefulSetSpec {
  replicas?: number;
  serviceName?: string;
  podManagementPolicy?: string;
  minReadySeconds?: number;
  template?: PodTemplate;
}

function ordinalOf(setName: string, pod: KubeObject): number | undefined {
  const name = pod.metadata?.name ?? '';
  if (!name.startsWith(`${setName}-`)) return undefined;
  const rest = name.slice(setName.length + 1);
  return /^\d+$/.test(rest) ? Number(rest) : undefined;
}

function runningAndReady(pod: KubeObject): boolean {
  return podStatusOf(pod).phase === 'Running' && isPodReady(pod);
}

/**
 * The StatefulSet controller: pods `<sts>-0` … `<sts>-<n-1>` with stable names, hostname and
 * subdomain (`spec.serviceName`), the `controller-revision-hash`,
 * `statefulset.kubernetes.io/pod-name` and `apps.kubernetes.io/pod-index` labels; with the
 * default OrderedReady policy each pod is created only once all lower ordinals are Running and
 * Ready, and scale-down removes the highest ordinal first, one at a time. Failed pods are
 * recreated. Status reports replicas, ready, current/updated, available and revisions.
 */
export function startStatefulSetController(
  context: WorldContext,
  types: CoreTypes,
  pods: PodIndex,
): RunningController {
  const { api, clock, events } = context;

  const record = (set: KubeObject, type: 'Normal' | 'Warning', reason: string, note: string) =>
    events.record({
      regarding: set,
      type,
      reason,
      note,
      reportingController: statefulSetControllerName,
    });

  const reconcile = (key: string): ReconcileResult => {
    const [namespace = '', name = ''] = key.split('/');
    const set = api.find(types.statefulSets, namespace, name);
    if (!set || set.metadata?.deletionTimestamp) return undefined;
    const spec = (set['spec'] ?? {}) as StatefulSetSpec;
    const desired = spec.replicas ?? 1;
    const parallel = spec.podManagementPolicy === 'Parallel';
    const uid = set.metadata?.uid ?? '';
    const revision = `${name}-${computeTemplateHash(spec.template)}`;
    const owned = new Map<number, KubeObject>();
    for (const pod of pods.ownedBy(uid)) {
      const ordinal = ordinalOf(name, pod);
      if (ordinal !== undefined) owned.set(ordinal, pod);
    }

    let blocked = false;
    for (let ordinal = 0; ordinal < desired && !blocked; ordinal++) {
      const pod = owned.get(ordinal);
      const podName = `${name}-${ordinal}`;
      if (pod && isPodTerminal(pod) && !pod.metadata?.deletionTimestamp) {
        try {
          api.delete(types.pods, namespace, podName);
          record(
            set,
            'Normal',
            'SuccessfulDelete',
            `delete Pod ${podName} in StatefulSet ${name} successful`,
          );
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
        if (!parallel) blocked = true;
        continue;
      }
      if (!pod) {
        if (api.find(types.pods, namespace, podName)) {
          blocked = !parallel; // a previous pod of that name is still terminating
          continue;
        }
        try {
          api.create(
            types.pods,
            namespace,
            podFromTemplate({
              template: spec.template ?? {},
              owner: set,
              name: podName,
              extraLabels: {
                'controller-revision-hash': revision,
                'statefulset.kubernetes.io/pod-name': podName,
                'apps.kubernetes.io/pod-index': String(ordinal),
              },
              specPatch: {
                hostname: podName,
                ...(spec.serviceName ? { subdomain: spec.serviceName } : {}),
              },
            }),
          );
          record(
            set,
            'Normal',
            'SuccessfulCreate',
            `create Pod ${podName} in StatefulSet ${name} successful`,
          );
        } catch (error) {
          if (!(error instanceof StatusError)) throw error;
          record(
            set,
            'Warning',
            'FailedCreate',
            `create Pod ${podName} in StatefulSet ${name} failed error: ${error.message}`,
          );
          return { requeueAfterMs: 10_000 };
        }
        if (!parallel) blocked = true;
        continue;
      }
      if (!parallel && (!runningAndReady(pod) || pod.metadata?.deletionTimestamp)) blocked = true;
    }

    // Scale down, highest ordinal first.
    const condemned = [...owned.entries()]
      .filter(([ordinal, pod]) => ordinal >= desired && !pod.metadata?.deletionTimestamp)
      .sort(([a], [b]) => b - a);
    const lowerHealthy = [...owned.entries()]
      .filter(([ordinal]) => ordinal < desired)
      .every(([, pod]) => runningAndReady(pod));
    const terminating = [...owned.values()].some((pod) => pod.metadata?.deletionTimestamp);
    for (const [, pod] of parallel ? condemned : condemned.slice(0, 1)) {
      if (!parallel && (terminating || !lowerHealthy)) break;
      const podName = pod.metadata?.name ?? '';
      try {
        api.delete(types.pods, namespace, podName);
        record(
          set,
          'Normal',
          'SuccessfulDelete',
          `delete Pod ${podName} in StatefulSet ${name} successful`,
        );
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }

    const now = clock.now();
    const minReadyMs = (spec.minReadySeconds ?? 0) * 1000;
    const live = pods
      .ownedBy(uid)
      .filter((pod) => ordinalOf(name, pod) !== undefined && !isPodTerminal(pod));
    const ready = live.filter((pod) => isPodReady(pod));
    const available = ready.filter((pod) => (readySince(pod) ?? now) + minReadyMs <= now).length;
    const current = live.filter(
      (pod) => pod.metadata?.labels?.['controller-revision-hash'] === revision,
    ).length;
    const status = {
      ...(set.metadata?.generation ? { observedGeneration: set.metadata.generation } : {}),
      replicas: live.length,
      ...(ready.length ? { readyReplicas: ready.length } : {}),
      ...(current ? { currentReplicas: current } : {}),
      ...(current ? { updatedReplicas: current } : {}),
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
      availableReplicas: available,
    };
    if (stableJson(status) !== stableJson(set['status'] ?? {})) {
      writeStatus(api, types.statefulSets, namespace, name, status, uid);
    }
    return available < ready.length ? { requeueAfterMs: minReadyMs } : undefined;
  };

  const queue = new WorkQueue({ name: statefulSetControllerName, clock, reconcile });
  const keyOf = (object: KubeObject) =>
    `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
  for (const entry of api.store.list(types.statefulSets.storageKey)) queue.add(keyOf(entry.object));
  const unsubscribeSets = api.store.subscribe(types.statefulSets.storageKey, (event) => {
    if (event.type === 'DELETED' || onlyStatusChanged(event)) return;
    queue.add(keyOf(event.record.object));
  });
  const unsubscribePods = pods.onChange((change) => {
    const owner = change.pod.metadata?.ownerReferences?.find(
      (reference) => reference.controller && reference.kind === 'StatefulSet',
    );
    if (owner) queue.add(`${change.pod.metadata?.namespace ?? ''}/${owner.name}`);
  });
  return {
    stop: () => {
      unsubscribeSets();
      unsubscribePods();
      queue.stop();
    },
  };
}
