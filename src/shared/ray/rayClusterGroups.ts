import type { PodResource, PodTemplateSpec } from '../k8s/kubeTypes.ts';
import type { RayClusterResource } from './rayTypes.ts';
import { headGroupLabelValue, RayLabel } from './rayTypes.ts';

/** The head group or one worker group of a RayCluster, with the pods it wants. */
export interface RayClusterGroup {
  /** `headgroup` for the head (its `ray.io/group` label), else the worker `groupName`. */
  name: string;
  kind: 'head' | 'worker';
  /**
   * Pods wanted now: 1 for the head; clamp(replicas, min, max) × numOfHosts for workers, as
   * KubeRay's `CalculateDesiredReplicas`. 0 when the cluster (or the group) is suspended.
   */
  desired: number;
  template: PodTemplateSpec;
  /** Prefix of the group's pod names: `<cluster>-head-` / `<cluster-group (≤50)>-worker-`. */
  podNamePrefix: string;
}

/** Int32 max, KubeRay's default `maxReplicas`. */
const defaultMaxReplicas = 2_147_483_647;
/** KubeRay truncates the `<cluster>-<group>` pod name prefix to 50 characters (`utils.PodName`). */
const maxPodPrefixLength = 50;

/**
 * The head group followed by each worker group of a RayCluster, in spec order, with how many
 * pods each wants right now. Replica defaults follow the CRD (replicas 0, min 0, max int32,
 * numOfHosts 1) and KubeRay's clamping (`utils.GetWorkerGroupDesiredReplicas`).
 * @see https://github.com/ray-project/kuberay/blob/master/ray-operator/controllers/ray/utils/util.go
 */
export function rayClusterGroups(cluster: RayClusterResource): RayClusterGroup[] {
  const name = cluster.metadata.name ?? '';
  const suspended = cluster.spec.suspend === true;
  const head: RayClusterGroup = {
    name: headGroupLabelValue,
    kind: 'head',
    desired: suspended ? 0 : 1,
    template: cluster.spec.headGroupSpec.template,
    podNamePrefix: `${name.slice(0, maxPodPrefixLength)}-head-`.toLowerCase(),
  };
  const workers = (cluster.spec.workerGroupSpecs ?? []).map((group): RayClusterGroup => {
    const min = group.minReplicas ?? 0;
    const max = group.maxReplicas ?? defaultMaxReplicas;
    const replicas = Math.min(Math.max(group.replicas ?? 0, min), max);
    const hosts = group.numOfHosts && group.numOfHosts > 0 ? group.numOfHosts : 1;
    return {
      name: group.groupName,
      kind: 'worker',
      desired: suspended || group.suspend === true ? 0 : replicas * hosts,
      template: group.template,
      podNamePrefix:
        `${`${name}-${group.groupName}`.slice(0, maxPodPrefixLength)}-worker-`.toLowerCase(),
    };
  });
  return [head, ...workers];
}

/** Whether a pod belongs to the named RayCluster (label `ray.io/cluster`, same namespace). */
export function isPodOfCluster(pod: PodResource, cluster: RayClusterResource): boolean {
  return (
    pod.metadata.labels?.[RayLabel.cluster] === cluster.metadata.name &&
    (!cluster.metadata.namespace ||
      !pod.metadata.namespace ||
      pod.metadata.namespace === cluster.metadata.namespace)
  );
}

/**
 * Whether a pod belongs to a group: `ray.io/node-type=head` for the head group, else
 * `ray.io/group=<groupName>` on a non-head pod. Labels are KubeRay's and not overridable.
 */
export function isPodOfGroup(pod: PodResource, group: RayClusterGroup): boolean {
  const labels = pod.metadata.labels ?? {};
  if (group.kind === 'head') return labels[RayLabel.nodeType] === 'head';
  return labels[RayLabel.nodeType] !== 'head' && labels[RayLabel.group] === group.name;
}

/**
 * The group a pod name was generated for (longest matching prefix), if any. Works on full
 * names and on the bare `generateName` prefix some API server versions print in errors.
 */
export function groupOfPodName(
  podName: string,
  groups: readonly RayClusterGroup[],
): RayClusterGroup | undefined {
  let best: RayClusterGroup | undefined;
  for (const group of groups) {
    const prefix = group.podNamePrefix;
    // `<cluster>-head` without suffix: KubeRay's ENABLE_DETERMINISTIC_HEAD_POD_NAME.
    if (podName.startsWith(prefix) || podName === prefix.slice(0, -1)) {
      if (!best || group.podNamePrefix.length > best.podNamePrefix.length) best = group;
    }
  }
  return best;
}
