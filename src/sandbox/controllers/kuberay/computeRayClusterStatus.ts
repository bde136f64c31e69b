import { formatQuantity, parseQuantity, type QuantityKind } from '../../../shared/k8s/quantity.ts';
import { jsonEqual } from '../../apiserver/objectMetaHelpers.ts';
import { isGpuResourceKey } from './buildRayPod.ts';
import { kubeRayConstants } from './kubeRayConstants.ts';
import type {
  Condition,
  Pod,
  PodSpec,
  RayCluster,
  RayClusterStatus,
  Service,
  WorkerGroupSpec,
} from './RayCluster.ts';
import {
  findCondition,
  isConditionTrue,
  removeStatusCondition,
  setStatusCondition,
} from './setStatusCondition.ts';

const { labels: labelKeys } = kubeRayConstants;

/** A pod create/delete failure of this reconcile, for the `ReplicaFailure` condition. */
export interface ReplicaFailure {
  /** `FailedCreateHeadPod`, `FailedCreateWorkerPod`, `FailedDeleteWorkerPod`, ... */
  reason: string;
  /** The API error's message. */
  message: string;
}

/** Inputs of {@link computeRayClusterStatus}. */
export interface RayClusterStatusInput {
  cluster: RayCluster;
  /** Every pod labelled `ray.io/cluster=<cluster>` in its namespace. */
  pods: readonly Pod[];
  headService: Service | undefined;
  /** Set when this reconcile failed to create or delete a pod. */
  replicaFailure: ReplicaFailure | undefined;
  /** Whether this reconcile ended in any error (replica failures included). */
  reconcileFailed: boolean;
  /** RFC 3339, second precision. */
  now: string;
  /** Feature gate RayClusterStatusConditions (on by default). */
  statusConditions: boolean;
}

/** KubeRay `GetWorkerGroupDesiredReplicas`: replicas clamped to [min, max], times hosts; 0 when suspended. */
export function desiredReplicasOf(group: WorkerGroupSpec): number {
  if (group.suspend === true) return 0;
  const min = group.minReplicas ?? 0;
  const max = group.maxReplicas ?? 2147483647;
  const replicas = group.replicas;
  const clamped = replicas === undefined || replicas < min ? min : replicas > max ? max : replicas;
  return clamped * Math.max(1, group.numOfHosts ?? 1);
}

/** `Running` and `Ready=True` (KubeRay `IsRunningAndReady`). */
export function isRunningAndReady(pod: Pod): boolean {
  return (
    pod.status?.phase === 'Running' &&
    (pod.status.conditions ?? []).some(
      (condition) => condition.type === 'Ready' && condition.status === 'True',
    )
  );
}

/** KubeRay `CheckAllPodsRunning`: at least one pod, all Running, none with `Ready` other than True. */
export function allPodsRunning(pods: readonly Pod[]): boolean {
  if (pods.length === 0) return false;
  return pods.every(
    (pod) =>
      pod.status?.phase === 'Running' &&
      (pod.status.conditions ?? []).every(
        (condition) => condition.type !== 'Ready' || condition.status === 'True',
      ),
  );
}

/** KubeRay `CalculatePodResource`: per container requests, falling back to limits. */
function podResources(spec: PodSpec): Map<string, number> {
  const total = new Map<string, number>();
  for (const container of spec.containers) {
    const merged: Record<string, string | number> = {
      ...(container.resources?.limits ?? {}),
      ...(container.resources?.requests ?? {}),
    };
    for (const [name, quantity] of Object.entries(merged)) {
      let value: number;
      try {
        value = parseQuantity(quantity);
      } catch {
        continue;
      }
      total.set(name, (total.get(name) ?? 0) + value);
    }
  }
  return total;
}

/**
 * KubeRay `CalculateDesiredResources`: the head plus every non-suspended group's pod resources
 * times `replicas × numOfHosts`, as quantity strings for `desiredCPU`/`Memory`/`GPU`/`TPU`.
 */
export function desiredResourcesOf(cluster: RayCluster): {
  desiredCPU: string;
  desiredMemory: string;
  desiredGPU: string;
  desiredTPU: string;
} {
  const total = podResources(cluster.spec.headGroupSpec.template.spec);
  for (const group of cluster.spec.workerGroupSpecs ?? []) {
    if (group.suspend === true) continue;
    const count = (group.replicas ?? 0) * Math.max(1, group.numOfHosts ?? 1);
    for (const [name, value] of podResources(group.template.spec)) {
      total.set(name, (total.get(name) ?? 0) + value * count);
    }
  }
  let gpu = 0;
  for (const [name, value] of total) if (isGpuResourceKey(name)) gpu += value;
  const format = (value: number | undefined, kind: QuantityKind): string =>
    formatQuantity(value ?? 0, kind);
  return {
    desiredCPU: format(total.get('cpu'), 'cpu'),
    desiredMemory: format(total.get('memory'), 'memory'),
    desiredGPU: format(gpu, 'count'),
    desiredTPU: format(total.get('google.com/tpu'), 'count'),
  };
}

/** KubeRay `FindHeadPodReadyCondition`: the head pod's `Ready` condition, with a telling reason. */
export function headPodReadyCondition(headPod: Pod): Omit<Condition, 'lastTransitionTime'> {
  const result: Omit<Condition, 'lastTransitionTime'> = {
    type: 'HeadPodReady',
    status: 'False',
    reason: 'Unknown',
    message: '',
  };
  const ready = (headPod.status?.conditions ?? []).find((condition) => condition.type === 'Ready');
  if (!ready) return result;
  result.status = ready.status as Condition['status'];
  result.message = ready.message ?? '';
  let reason = ready.reason ?? '';
  if (ready.status === 'True' && reason === '') reason = 'HeadPodRunningAndReady';
  if (reason !== '') result.reason = reason;
  if (reason === 'ContainersNotReady') {
    for (const status of headPod.status?.containerStatuses ?? []) {
      const state = status.state?.waiting ?? status.state?.terminated;
      if (!state) continue;
      result.message = `${result.message ? `${result.message}; ` : ''}${status.name}: ${state.message ?? ''}`;
      if (state.reason) result.reason = state.reason;
      break;
    }
  }
  return result;
}

function suspendStatusOf(conditions: readonly Condition[] | undefined): string {
  for (const condition of conditions ?? []) {
    if (
      (condition.type === 'RayClusterSuspending' || condition.type === 'RayClusterSuspended') &&
      condition.status === 'True'
    ) {
      return condition.type;
    }
  }
  return '';
}

/** The RayCluster's suspend phase from its conditions: `RayClusterSuspending`, `RayClusterSuspended` or `''`. */
export function rayClusterSuspendStatus(cluster: RayCluster): string {
  return suspendStatusOf(cluster.status?.conditions);
}

/**
 * KubeRay `calculateStatus` (kuberay-api.md §1.2), as a pure function: replica counts, desired
 * resources, the sticky `state`, the conditions (`HeadPodReady`, the frozen
 * `RayClusterProvisioned`, `ReplicaFailure`, suspend), endpoints, head info and timestamps.
 * Returns undefined when the head Service is missing (KubeRay then skips the status update).
 */
export function computeRayClusterStatus(
  input: RayClusterStatusInput,
): RayClusterStatus | undefined {
  const { cluster, pods, now } = input;
  if (!input.headService) return undefined;
  const old = cluster.status ?? {};
  const status: RayClusterStatus = { ...old };
  let conditions = old.conditions ? [...old.conditions] : undefined;
  if (input.statusConditions) {
    if (input.replicaFailure) {
      conditions = setStatusCondition(
        conditions,
        {
          type: 'ReplicaFailure',
          status: 'True',
          reason: input.replicaFailure.reason,
          message: input.replicaFailure.message,
        },
        now,
      );
    } else if (!input.reconcileFailed) {
      conditions = removeStatusCondition(conditions, 'ReplicaFailure');
    }
  }
  status.observedGeneration = cluster.metadata.generation ?? 1;
  const workers = pods.filter((pod) => pod.metadata.labels?.[labelKeys.nodeType] === 'worker');
  status.readyWorkerReplicas = workers.filter(isRunningAndReady).length;
  status.availableWorkerReplicas = workers.filter((pod) => pod.status?.phase === 'Running').length;
  const groups = cluster.spec.workerGroupSpecs ?? [];
  status.desiredWorkerReplicas = groups.reduce((sum, group) => sum + desiredReplicasOf(group), 0);
  status.minWorkerReplicas = groups
    .filter((group) => group.suspend !== true)
    .reduce((sum, group) => sum + (group.minReplicas ?? 0) * Math.max(1, group.numOfHosts ?? 1), 0);
  status.maxWorkerReplicas = Math.min(
    2147483647,
    groups
      .filter((group) => group.suspend !== true)
      .reduce(
        (sum, group) =>
          sum + (group.maxReplicas ?? 2147483647) * Math.max(1, group.numOfHosts ?? 1),
        0,
      ),
  );
  Object.assign(status, desiredResourcesOf(cluster));
  const podsRunning = allPodsRunning(pods);
  if (!input.reconcileFailed && pods.length === status.desiredWorkerReplicas + 1 && podsRunning) {
    status.state = 'ready';
    status.reason = '';
  }
  const heads = pods.filter((pod) => pod.metadata.labels?.[labelKeys.nodeType] === 'head');
  const headPod = heads.length === 1 ? heads[0] : undefined;
  if (input.statusConditions) {
    if (!headPod) {
      conditions = setStatusCondition(
        conditions,
        {
          type: 'HeadPodReady',
          status: 'False',
          reason: 'HeadPodNotFound',
          message: 'Head Pod not found',
        },
        now,
      );
    } else {
      conditions = setStatusCondition(conditions, headPodReadyCondition(headPod), now);
    }
    const suspendStatus = suspendStatusOf(conditions);
    if (
      !isConditionTrue(conditions, 'RayClusterProvisioned') &&
      suspendStatus !== 'RayClusterSuspended'
    ) {
      conditions = setStatusCondition(
        conditions,
        podsRunning
          ? {
              type: 'RayClusterProvisioned',
              status: 'True',
              reason: 'AllPodRunningAndReadyFirstTime',
              message: 'All Ray Pods are ready for the first time',
            }
          : {
              type: 'RayClusterProvisioned',
              status: 'False',
              reason: 'RayClusterPodsProvisioning',
              message: 'RayCluster Pods are being provisioned for first time',
            },
        now,
      );
    }
    const suspend = cluster.spec.suspend === true;
    if (suspendStatus === 'RayClusterSuspending') {
      if (pods.length === 0) {
        conditions = setStatusCondition(
          conditions,
          {
            type: 'RayClusterProvisioned',
            status: 'False',
            reason: 'RayClusterPodsProvisioning',
            message: 'RayCluster has been suspended',
          },
          now,
        );
        conditions = setStatusCondition(
          conditions,
          { type: 'RayClusterSuspending', status: 'False', reason: 'RayClusterSuspending' },
          now,
        );
        conditions = setStatusCondition(
          conditions,
          { type: 'RayClusterSuspended', status: 'True', reason: 'RayClusterSuspended' },
          now,
        );
      }
    } else if (suspendStatus === 'RayClusterSuspended') {
      if (!suspend) {
        conditions = setStatusCondition(
          conditions,
          { type: 'RayClusterSuspended', status: 'False', reason: 'RayClusterSuspended' },
          now,
        );
      }
    } else {
      conditions = setStatusCondition(
        conditions,
        { type: 'RayClusterSuspended', status: 'False', reason: 'RayClusterSuspended' },
        now,
      );
      conditions = setStatusCondition(
        conditions,
        {
          type: 'RayClusterSuspending',
          status: suspend ? 'True' : 'False',
          reason: 'RayClusterSuspending',
        },
        now,
      );
    }
  }
  if (conditions) status.conditions = conditions;
  if (cluster.spec.suspend === true && pods.length === 0) status.state = 'suspended';

  const endpoints = { ...(old.endpoints ?? {}) };
  for (const port of input.headService.spec.ports ?? []) {
    if (!port.name) continue;
    if (port.nodePort) endpoints[port.name] = String(port.nodePort);
    else if (port.targetPort !== undefined && port.targetPort !== 0 && port.targetPort !== '') {
      endpoints[port.name] = String(port.targetPort);
    }
  }
  status.endpoints = endpoints;
  const clusterIp = input.headService.spec.clusterIP ?? '';
  status.head = {
    ...(headPod?.status?.podIP ? { podIP: headPod.status.podIP } : {}),
    ...(headPod ? { podName: headPod.metadata.name } : {}),
    ...((clusterIp === 'None' ? (headPod?.status?.podIP ?? '') : clusterIp)
      ? { serviceIP: clusterIp === 'None' ? (headPod?.status?.podIP ?? '') : clusterIp }
      : {}),
    serviceName: input.headService.metadata.name ?? '',
  };
  status.lastUpdateTime = now;
  if ((old.state ?? '') !== (status.state ?? '')) {
    status.stateTransitionTimes = {
      ...(old.stateTransitionTimes ?? {}),
      [status.state ?? '']: now,
    };
  }
  return status;
}

function sameJson(left: unknown, right: unknown): boolean {
  return jsonEqual(left ?? null, right ?? null);
}

/**
 * KubeRay `InconsistentRayClusterStatus`: whether a status write is due. Differences in only
 * `lastUpdateTime`, `observedGeneration` or the desired resources do not count.
 */
export function isRayClusterStatusInconsistent(
  old: RayClusterStatus | undefined,
  next: RayClusterStatus,
): boolean {
  const before = old ?? {};
  if ((before.state ?? '') !== (next.state ?? '') || (before.reason ?? '') !== (next.reason ?? ''))
    return true;
  for (const key of [
    'readyWorkerReplicas',
    'availableWorkerReplicas',
    'desiredWorkerReplicas',
    'minWorkerReplicas',
    'maxWorkerReplicas',
  ] as const) {
    if ((before[key] ?? 0) !== (next[key] ?? 0)) return true;
  }
  if (!sameJson(before.endpoints, next.endpoints)) return true;
  if (!sameJson(before.head, next.head)) return true;
  if (!sameJson(before.conditions, next.conditions)) return true;
  return false;
}

/** Whether the condition of `type` is True in the cluster's current status. */
export function clusterConditionTrue(cluster: RayCluster, type: string): boolean {
  return isConditionTrue(cluster.status?.conditions, type);
}

/** The condition of `type` in the cluster's current status. */
export function clusterCondition(cluster: RayCluster, type: string): Condition | undefined {
  return findCondition(cluster.status?.conditions, type);
}
