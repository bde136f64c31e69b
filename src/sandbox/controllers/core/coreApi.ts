import type { ObjectApi } from '../../apiserver/objectApi.ts';
import type { StoreEvent } from '../../apiserver/objectStore.ts';
import type { KubeObject, ResourceType } from '../../apiserver/resourceType.ts';
import { StatusError } from '../../apiserver/statusError.ts';

/** The built-in kinds the core controllers read and write. */
export interface CoreTypes {
  pods: ResourceType;
  nodes: ResourceType;
  services: ResourceType;
  endpoints: ResourceType;
  resourceQuotas: ResourceType;
  configMaps: ResourceType;
  secrets: ResourceType;
  deployments: ResourceType;
  replicaSets: ResourceType;
  statefulSets: ResourceType;
  jobs: ResourceType;
}

function lookup(api: ObjectApi, group: string, plural: string): ResourceType {
  const type = api.registry.lookup(group, 'v1', plural);
  if (!type) throw new Error(`${group ? `${group}/` : ''}${plural} is not served`);
  return type;
}

/** Looks up the core kinds once; throws if the API server does not serve one of them. */
export function coreTypesOf(api: ObjectApi): CoreTypes {
  return {
    pods: lookup(api, '', 'pods'),
    nodes: lookup(api, '', 'nodes'),
    services: lookup(api, '', 'services'),
    endpoints: lookup(api, '', 'endpoints'),
    resourceQuotas: lookup(api, '', 'resourcequotas'),
    configMaps: lookup(api, '', 'configmaps'),
    secrets: lookup(api, '', 'secrets'),
    deployments: lookup(api, 'apps', 'deployments'),
    replicaSets: lookup(api, 'apps', 'replicasets'),
    statefulSets: lookup(api, 'apps', 'statefulsets'),
    jobs: lookup(api, 'batch', 'jobs'),
  };
}

/** Whether an error is the API's NotFound (the object went away meanwhile). */
export function isNotFound(error: unknown): boolean {
  return error instanceof StatusError && error.code === 404;
}

/**
 * Replaces the status of the current stored object through the `status` subresource, as a
 * controller's `UpdateStatus` does after a fresh read. Returns the stored object, or
 * `undefined` when the object is gone. `uid` guards against a same-named successor.
 */
export function writeStatus(
  api: ObjectApi,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  status: unknown,
  uid?: string,
): KubeObject | undefined {
  const current = api.find(type, namespace, name);
  if (!current || (uid && current.metadata?.uid !== uid)) return undefined;
  try {
    return api.update(type, namespace, name, { ...current, status }, { subresource: 'status' })
      .object;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** RFC 3339 with second precision, as `metav1.Time` serialises, for a simulated instant. */
export function timeString(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  let text = timeStrings.get(second);
  if (text === undefined) {
    if (timeStrings.size >= 4096) timeStrings.clear();
    text = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
    timeStrings.set(second, text);
  }
  return text;
}

/** Recently formatted seconds: status builders format the same few instants over and over. */
const timeStrings = new Map<number, string>();

/** A pod condition as the kubelet and scheduler write it. */
export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  lastProbeTime: null;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

/** The pod's status, never undefined. */
export function podStatusOf(pod: KubeObject): {
  phase?: string;
  conditions?: PodCondition[];
  podIP?: string;
  [field: string]: unknown;
} {
  return (pod['status'] ?? {}) as ReturnType<typeof podStatusOf>;
}

/** Succeeded or Failed: the pod will never run again. */
export function isPodTerminal(pod: KubeObject): boolean {
  const phase = podStatusOf(pod).phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** The pod's `Ready` condition is True. */
export function isPodReady(pod: KubeObject): boolean {
  return (
    podStatusOf(pod).conditions?.some(
      (condition) => condition.type === 'Ready' && condition.status === 'True',
    ) ?? false
  );
}

/** When the pod's Ready condition last turned True, in epoch ms (for minReadySeconds). */
export function readySince(pod: KubeObject): number | undefined {
  const ready = podStatusOf(pod).conditions?.find(
    (condition) => condition.type === 'Ready' && condition.status === 'True',
  );
  return ready ? Date.parse(ready.lastTransitionTime) : undefined;
}

/** Not terminal and not being deleted: what workload controllers count as active. */
export function isPodActive(pod: KubeObject): boolean {
  return !isPodTerminal(pod) && !pod.metadata?.deletionTimestamp;
}

/**
 * Sets or replaces a condition in a list, keeping `lastTransitionTime` when the status did not
 * change (as `UpdatePodCondition` and the workload controllers' helpers do).
 */
export function withCondition<
  T extends { type: string; status: string; lastTransitionTime?: string },
>(conditions: readonly T[] | undefined, next: T): T[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex((condition) => condition.type === next.type);
  if (index < 0) return [...list, next];
  const current = list[index] as T;
  list[index] =
    current.status === next.status && current.lastTransitionTime
      ? { ...next, lastTransitionTime: current.lastTransitionTime }
      : next;
  return list;
}

/**
 * A MODIFIED event that changed neither the spec nor the deletion mark (a status write, ours
 * included): controllers that act on spec changes skip these.
 */
export function onlyStatusChanged(event: StoreEvent): boolean {
  const previous = event.previous?.object;
  return (
    event.type === 'MODIFIED' &&
    previous !== undefined &&
    previous['spec'] === event.record.object['spec'] &&
    previous.metadata?.deletionTimestamp === event.record.object.metadata?.deletionTimestamp
  );
}
