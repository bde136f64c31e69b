import type { Toleration } from '../k8s/kubeTypes.ts';
import { gpuRequestOfPodSpec } from './gpuRequestOfPodSpec.ts';
import { humanizeGpuProduct } from './humanizeGpuProduct.ts';
import { rayClusterGroups } from './rayClusterGroups.ts';
import type { RayClusterResource } from './rayTypes.ts';

/** GPUs one group of a RayCluster wants. */
export interface GroupGpuDemand {
  group: string;
  kind: 'head' | 'worker';
  /** Pods of the group (clamped replicas × numOfHosts; 1 for the head). */
  pods: number;
  /** GPU resource → count per pod. */
  perPod: Record<string, number>;
  /** Σ perPod. */
  gpusPerPod: number;
  /** Acceptable GPU products (product label values); empty = any. */
  products: string[];
  /** The pod template's tolerations, to match node taints. */
  tolerations: Toleration[];
}

/** GPUs a RayCluster wants, per group and per resource × product. */
export interface ClusterGpuDemand {
  /** Groups that want GPUs, head first. */
  groups: GroupGpuDemand[];
  /** Σ over groups of pods × gpusPerPod. */
  total: number;
  byProduct: {
    resource: string;
    /** Acceptable products; empty = any. */
    products: string[];
    /** E.g. `NVIDIA A100`, `NVIDIA A100 or NVIDIA H100`, `any GPU`. */
    productName: string;
    gpus: number;
  }[];
}

/** How a list of acceptable products reads: `NVIDIA A100`, `NVIDIA A100 or NVIDIA H100`, `GPU`. */
export function productsName(products: readonly string[]): string {
  if (products.length === 0) return 'GPU';
  return [...new Set(products.map(humanizeGpuProduct))].join(' or ');
}

/**
 * GPUs a RayCluster wants when running, from its spec alone (no pods needed), for "can I get
 * it" checks before creating or resuming: head and worker groups with clamp(replicas, min,
 * max) × numOfHosts pods, each asking what `gpuRequestOfPodSpec` computes for its template.
 * `spec.suspend` is ignored on purpose (the question is what resuming would need). KubeRay
 * computes `status.desiredGPU` the same way.
 * @see https://ray-project.github.io/kuberay/reference/api/#rayclusterstatus
 */
export function clusterGpuDemand(cluster: RayClusterResource): ClusterGpuDemand {
  const running: RayClusterResource = {
    ...cluster,
    spec: {
      ...cluster.spec,
      suspend: false,
      workerGroupSpecs: cluster.spec.workerGroupSpecs?.map((group) => ({
        ...group,
        suspend: false,
      })),
    },
  };
  const groups: GroupGpuDemand[] = [];
  const byProduct = new Map<string, ClusterGpuDemand['byProduct'][number]>();
  let total = 0;
  for (const group of rayClusterGroups(running)) {
    const request = gpuRequestOfPodSpec(group.template.spec);
    if (request.total === 0 || group.desired === 0) continue;
    groups.push({
      group: group.name,
      kind: group.kind,
      pods: group.desired,
      perPod: request.resources,
      gpusPerPod: request.total,
      products: request.products,
      tolerations: [...(group.template.spec.tolerations ?? [])],
    });
    total += request.total * group.desired;
    for (const [resource, count] of Object.entries(request.resources)) {
      const key = `${resource}\u0000${request.products.join(',')}`;
      const entry = byProduct.get(key) ?? {
        resource,
        products: request.products,
        productName: productsName(request.products),
        gpus: 0,
      };
      entry.gpus += count * group.desired;
      byProduct.set(key, entry);
    }
  }
  return { groups, total, byProduct: [...byProduct.values()] };
}
