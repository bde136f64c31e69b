import type { Taint, Toleration } from '../k8s/kubeTypes.ts';
import type { ClusterGpuDemand } from './clusterGpuDemand.ts';
import { productsName } from './clusterGpuDemand.ts';
import type { GpuInventory, NodeGpuInventory } from './gpuInventory.ts';

/** Where one pod's GPUs would go. */
export interface GpuPlacement {
  group: string;
  node: string;
  resource: string;
  gpus: number;
}

/** Answer to "could this cluster get its GPUs right now?". */
export interface FitsNowResult {
  fits: boolean;
  /** One plain-English sentence per obstacle; empty when it fits. */
  reasons: string[];
  /** A placement for each pod that found room (first-fit decreasing, best-fit node). */
  placements: GpuPlacement[];
  /** Pods of each group that found no node. */
  unplaced: { group: string; pods: number; gpusPerPod: number }[];
  /** GPU resources where the demand exceeds the namespace's quota headroom. */
  quotaShortfall: { resource: string; wanted: number; headroom: number }[];
}

/** Kubernetes' `Toleration.ToleratesTaint` (k8s.io/api core/v1 toleration.go). */
function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  if (toleration.operator === 'Exists') return true;
  if (!toleration.key) return false;
  return (toleration.value ?? '') === (taint.value ?? '');
}

function untolerated(tolerations: readonly Toleration[], taints: readonly Taint[]): Taint[] {
  return taints.filter((taint) => !tolerations.some((toleration) => tolerates(toleration, taint)));
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * Whether a cluster's GPU demand fits right now: each GPU pod must find one schedulable node
 * of an acceptable product whose taints it tolerates and which has enough free GPUs of the
 * resource (pods placed largest first, each on the node that leaves the least free), and the
 * demand per resource must fit the namespace's quota headroom (`gpuQuotaHeadroom(...).free`;
 * a resource without an entry is unlimited). CPU and memory are not considered: GPUs are the
 * scarce part. A snapshot answer; it reserves nothing.
 */
export function fitsNow(input: {
  demand: ClusterGpuDemand;
  inventory: GpuInventory;
  quotaHeadroom?: Readonly<Record<string, number>>;
}): FitsNowResult {
  const { demand, inventory } = input;
  const reasons: string[] = [];
  const quotaShortfall: FitsNowResult['quotaShortfall'] = [];
  const wantedByResource = new Map<string, number>();
  for (const entry of demand.byProduct) {
    wantedByResource.set(entry.resource, (wantedByResource.get(entry.resource) ?? 0) + entry.gpus);
  }
  for (const [resource, wanted] of wantedByResource) {
    const headroom = input.quotaHeadroom?.[resource];
    if (headroom !== undefined && wanted > headroom) {
      quotaShortfall.push({ resource, wanted, headroom });
      reasons.push(
        `The quota allows ${plural(headroom, 'more GPU')} (${resource}), ${wanted} wanted.`,
      );
    }
  }

  const free = new Map<NodeGpuInventory, number>(inventory.nodes.map((node) => [node, node.free]));
  const pods = demand.groups
    .flatMap((group) => Array.from({ length: group.pods }, () => group))
    .sort((a, b) => b.gpusPerPod - a.gpusPerPod);
  const placements: GpuPlacement[] = [];
  const unplacedByGroup = new Map<string, { group: string; pods: number; gpusPerPod: number }>();
  for (const group of pods) {
    const resources = Object.entries(group.perPod);
    const [resource, gpus] = resources[0] ?? ['', 0];
    const candidates = inventory.nodes.filter(
      (node) =>
        node.resource === resource &&
        node.schedulable &&
        (group.products.length === 0 || group.products.includes(node.product)) &&
        untolerated(group.tolerations, node.taints).length === 0 &&
        (free.get(node) ?? 0) >= gpus,
    );
    const best = candidates.sort((a, b) => (free.get(a) ?? 0) - (free.get(b) ?? 0))[0];
    if (best && resources.length === 1) {
      free.set(best, (free.get(best) ?? 0) - gpus);
      placements.push({ group: group.group, node: best.node, resource, gpus });
      continue;
    }
    const entry = unplacedByGroup.get(group.group) ?? {
      group: group.group,
      pods: 0,
      gpusPerPod: group.gpusPerPod,
    };
    entry.pods += 1;
    unplacedByGroup.set(group.group, entry);
  }
  for (const entry of unplacedByGroup.values()) {
    const group = demand.groups.find((candidate) => candidate.group === entry.group);
    const resource = Object.keys(group?.perPod ?? {})[0] ?? '';
    const products = group?.products ?? [];
    const matching = inventory.nodes.filter(
      (node) =>
        node.resource === resource && (products.length === 0 || products.includes(node.product)),
    );
    const name = productsName(products);
    const what = `${plural(entry.pods, 'pod')} of group ${entry.group} needing ${entry.gpusPerPod} ${name}${entry.gpusPerPod === 1 ? '' : 's'}${entry.pods === 1 ? '' : ' each'}`;
    if (matching.length === 0) {
      reasons.push(`No node offers ${name}s (${resource}) for ${what}.`);
    } else if (
      group &&
      matching.every((node) => untolerated(group.tolerations, node.taints).length > 0)
    ) {
      const taint = untolerated(group.tolerations, matching[0]?.taints ?? [])[0];
      reasons.push(
        `Every ${name} node has a taint the pods of group ${entry.group} do not tolerate (${taint?.key}=${taint?.value ?? ''}:${taint?.effect}).`,
      );
    } else {
      const freeNow = matching.reduce((sum, node) => sum + node.free, 0);
      reasons.push(`No room for ${what}: ${freeNow} free now.`);
    }
  }
  const unplaced = [...unplacedByGroup.values()];
  return {
    fits: unplaced.length === 0 && quotaShortfall.length === 0,
    reasons,
    placements,
    unplaced,
    quotaShortfall,
  };
}
