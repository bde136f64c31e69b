import type { GroupExplanation } from '../../../shared/ray/explainCluster.ts';
import { gpuRequestOfPodSpec } from '../../../shared/ray/gpuRequestOfPodSpec.ts';
import type { RayClusterResource } from '../../../shared/ray/rayTypes.ts';

/** KubeRay's default `maxReplicas` (Go's max int32): no upper bound set. */
const unboundedReplicas = 2147483647;

/** One worker group as the scale controls show it. */
export interface WorkerGroupView {
  name: string;
  /** `spec.replicas` (default 0): what the user asked for. */
  replicas: number;
  /** `minReplicas` (default 0). */
  minReplicas: number;
  /** `maxReplicas`, undefined when unbounded. */
  maxReplicas: number | undefined;
  /** Pods wanted now and pods ready, from the explanation (0 when suspended). */
  desired: number;
  ready: number;
  /** GPUs each worker asks for, and the products it may run on. */
  gpusPerWorker: number;
  gpuProducts: string[];
  /** The explanation's sentence about the group, when there is one. */
  summary: string | undefined;
}

/**
 * The worker groups of a RayCluster in spec order, joined with their explanation (desired and
 * ready pods, summary) by group name.
 */
export function workerGroupsOf(
  resource: RayClusterResource,
  explanation: readonly GroupExplanation[],
): WorkerGroupView[] {
  return (resource.spec.workerGroupSpecs ?? []).map((group) => {
    const explained = explanation.find(
      (entry) => entry.kind === 'worker' && entry.group === group.groupName,
    );
    const gpus = gpuRequestOfPodSpec(group.template.spec);
    const max = group.maxReplicas;
    return {
      name: group.groupName,
      replicas: group.replicas ?? 0,
      minReplicas: group.minReplicas ?? 0,
      maxReplicas: max === undefined || max >= unboundedReplicas ? undefined : max,
      desired: explained?.desired ?? group.replicas ?? 0,
      ready: explained?.ready ?? 0,
      gpusPerWorker: gpus.total,
      gpuProducts: gpus.products,
      summary: explained?.summary,
    };
  });
}
