import type { NodeResource, PodResource, Taint } from '../k8s/kubeTypes.ts';
import { parseQuantity } from '../k8s/quantity.ts';
import { gpuProductLabels, gpuRequestOfPodSpec, isGpuResourceName } from './gpuRequestOfPodSpec.ts';
import { humanizeGpuProduct } from './humanizeGpuProduct.ts';
import { RayLabel } from './rayTypes.ts';

/** A pod holding GPUs on a node. */
export interface GpuHolder {
  namespace: string;
  /** The RayCluster (label `ray.io/cluster`), when the pod is a Ray pod. */
  cluster?: string;
  pod: string;
  gpus: number;
}

/** GPUs of one resource on one node. */
export interface NodeGpuInventory {
  node: string;
  /** Extended resource name, e.g. `nvidia.com/gpu`, `nvidia.com/mig-1g.10gb`. */
  resource: string;
  /** Product label value (e.g. `NVIDIA-A100-SXM4-80GB`); empty when the node has no label. */
  product: string;
  /** `humanizeGpuProduct(product)`, with the MIG profile for MIG resources. */
  productName: string;
  capacity: number;
  allocatable: number;
  /** Σ GPU requests of non-terminal pods bound to the node. */
  requested: number;
  /** allocatable − requested, never below 0. */
  free: number;
  holders: GpuHolder[];
  /** Node condition Ready=True and not cordoned. */
  schedulable: boolean;
  /** NoSchedule / NoExecute taints a pod must tolerate to land here. */
  taints: Taint[];
}

/** Totals of one GPU product (and resource) over all nodes. */
export interface GpuProductTotals {
  resource: string;
  product: string;
  productName: string;
  nodes: number;
  capacity: number;
  allocatable: number;
  requested: number;
  free: number;
}

/** GPUs per node and product, with totals. */
export interface GpuInventory {
  /** Sorted by product name, then node. */
  nodes: NodeGpuInventory[];
  /** Sorted by product name. */
  products: GpuProductTotals[];
  total: { capacity: number; allocatable: number; requested: number; free: number };
}

function nodeProduct(node: NodeResource, resource: string): { product: string; name: string } {
  const labels = node.metadata.labels ?? {};
  const product = gpuProductLabels.map((label) => labels[label]).find(Boolean) ?? '';
  const mig = /\/mig-(.+)$/.exec(resource)?.[1];
  // Under the MIG "mixed" strategy the product label is the full GPU; name the slice too.
  const base = product.replace(/-MIG-.*$/i, '');
  if (mig) return { product: base, name: `${humanizeGpuProduct(base)} MIG ${mig}` };
  return { product, name: product ? humanizeGpuProduct(product) : resource };
}

function isTerminal(pod: PodResource): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/**
 * GPU capacity, allocatable, requested and free per node × GPU resource, with the pods that
 * hold them, plus totals per product and overall. Requested counts non-terminal pods bound to
 * the node (`spec.nodeName`), terminating ones included (they hold GPUs until gone), with
 * requests as `gpuRequestOfPodSpec` computes them, which is what the scheduler subtracts.
 * Pass pods of all namespaces for a true picture.
 * @see https://kubernetes.io/docs/tasks/manage-gpus/scheduling-gpus/
 */
export function gpuInventory(input: {
  nodes: readonly NodeResource[];
  pods: readonly PodResource[];
}): GpuInventory {
  const requestsByNode = new Map<
    string,
    { pod: PodResource; resources: Record<string, number> }[]
  >();
  for (const pod of input.pods) {
    const nodeName = pod.spec.nodeName;
    if (!nodeName || isTerminal(pod)) continue;
    const { resources, total } = gpuRequestOfPodSpec(pod.spec);
    if (total === 0) continue;
    const list = requestsByNode.get(nodeName) ?? [];
    list.push({ pod, resources });
    requestsByNode.set(nodeName, list);
  }
  const nodes: NodeGpuInventory[] = [];
  for (const node of input.nodes) {
    const name = node.metadata.name ?? '';
    const capacity = node.status?.capacity ?? {};
    const allocatable = node.status?.allocatable ?? capacity;
    const resources = new Set(
      [...Object.keys(capacity), ...Object.keys(allocatable)].filter(isGpuResourceName),
    );
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    for (const resource of resources) {
      const holders: GpuHolder[] = [];
      for (const { pod, resources: podGpus } of requestsByNode.get(name) ?? []) {
        const gpus = podGpus[resource];
        if (!gpus) continue;
        holders.push({
          namespace: pod.metadata.namespace ?? '',
          cluster: pod.metadata.labels?.[RayLabel.cluster],
          pod: pod.metadata.name ?? '',
          gpus,
        });
      }
      holders.sort((a, b) => b.gpus - a.gpus || a.pod.localeCompare(b.pod));
      const allocatableCount = parseQuantity(allocatable[resource] ?? '0');
      const requested = holders.reduce((sum, holder) => sum + holder.gpus, 0);
      const { product, name: productName } = nodeProduct(node, resource);
      nodes.push({
        node: name,
        resource,
        product,
        productName,
        capacity: parseQuantity(capacity[resource] ?? '0'),
        allocatable: allocatableCount,
        requested,
        free: Math.max(0, allocatableCount - requested),
        holders,
        schedulable: ready && node.spec?.unschedulable !== true,
        taints: (node.spec?.taints ?? []).filter((taint) => taint.effect !== 'PreferNoSchedule'),
      });
    }
  }
  nodes.sort((a, b) => a.productName.localeCompare(b.productName) || a.node.localeCompare(b.node));
  const products = new Map<string, GpuProductTotals>();
  const total = { capacity: 0, allocatable: 0, requested: 0, free: 0 };
  for (const entry of nodes) {
    const key = `${entry.resource}\u0000${entry.product}`;
    const totals = products.get(key) ?? {
      resource: entry.resource,
      product: entry.product,
      productName: entry.productName,
      nodes: 0,
      capacity: 0,
      allocatable: 0,
      requested: 0,
      free: 0,
    };
    totals.nodes += 1;
    for (const field of ['capacity', 'allocatable', 'requested', 'free'] as const) {
      totals[field] += entry[field];
      total[field] += entry[field];
    }
    products.set(key, totals);
  }
  return {
    nodes,
    products: [...products.values()].sort((a, b) => a.productName.localeCompare(b.productName)),
    total,
  };
}
