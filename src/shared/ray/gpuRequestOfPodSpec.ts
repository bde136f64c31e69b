import type { Container, PodSpec, ResourceList } from '../k8s/kubeTypes.ts';
import { parseQuantity } from '../k8s/quantity.ts';

/**
 * Node labels naming the GPU model: NVIDIA GPU feature discovery's `nvidia.com/gpu.product`
 * (e.g. `NVIDIA-A100-SXM4-80GB`) and the AMD node labeller's `amd.com/gpu.product-name`.
 * @see https://github.com/NVIDIA/k8s-device-plugin#catalog-of-labels
 */
export const gpuProductLabels = ['nvidia.com/gpu.product', 'amd.com/gpu.product-name'] as const;

/**
 * Whether a resource name is a GPU: `nvidia.com/gpu`, `amd.com/gpu`, NVIDIA MIG slices
 * `nvidia.com/mig-<profile>` (e.g. `nvidia.com/mig-1g.10gb`), and, as KubeRay's `desiredGPU`
 * counts them, any other extended resource whose name ends in `gpu`.
 * @see https://github.com/ray-project/kuberay/blob/master/ray-operator/controllers/ray/utils/util.go
 */
export function isGpuResourceName(name: string): boolean {
  return name.includes('/') && (/\/mig-.+/.test(name) || name.endsWith('gpu'));
}

/** GPUs one pod asks for. */
export interface PodGpuRequest {
  /** GPU resource name → count, e.g. `{ 'nvidia.com/gpu': 2 }`. Empty for CPU-only pods. */
  resources: Record<string, number>;
  /** Sum over all GPU resources. */
  total: number;
  /**
   * GPU products the pod may run on (values of a product label required by `nodeSelector` or
   * required node affinity `In`); empty when any GPU will do.
   */
  products: string[];
}

function add(into: Record<string, number>, resource: string, amount: number): void {
  into[resource] = (into[resource] ?? 0) + amount;
}

/** A container's GPU requests; for extended resources a request defaults to the limit. */
function containerGpus(container: Container): Record<string, number> {
  const requests: ResourceList = container.resources?.requests ?? {};
  const limits: ResourceList = container.resources?.limits ?? {};
  const gpus: Record<string, number> = {};
  for (const name of new Set([...Object.keys(requests), ...Object.keys(limits)])) {
    if (!isGpuResourceName(name)) continue;
    const quantity = requests[name] ?? limits[name];
    if (quantity !== undefined) add(gpus, name, parseQuantity(quantity));
  }
  return gpus;
}

/** The products a pod spec is pinned to, from nodeSelector and required node affinity. */
function wantedProducts(spec: PodSpec): string[] {
  for (const label of gpuProductLabels) {
    const selected = spec.nodeSelector?.[label];
    if (selected) return [selected];
  }
  const terms =
    spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
      ?.nodeSelectorTerms ?? [];
  if (terms.length === 0) return [];
  const products = new Set<string>();
  for (const term of terms) {
    const expression = (term.matchExpressions ?? []).find(
      (candidate) =>
        (gpuProductLabels as readonly string[]).includes(candidate.key) &&
        candidate.operator === 'In',
    );
    // Terms are ORed: one term without a product constraint lets any product through.
    if (!expression) return [];
    for (const value of expression.values ?? []) products.add(value);
  }
  return [...products].sort();
}

/**
 * GPUs a pod (or pod template) asks for, as the scheduler and quota count them: per
 * resource, max(Σ app containers + Σ sidecars, the largest init container plus the sidecars
 * started before it), plus pod overhead; requests default to limits for extended resources.
 * Also returns the GPU products the spec requires (see `gpuProductLabels`).
 * @see https://kubernetes.io/docs/concepts/workloads/pods/init-containers/#resource-sharing-within-containers
 * @see https://kubernetes.io/docs/tasks/manage-gpus/scheduling-gpus/
 */
export function gpuRequestOfPodSpec(spec: PodSpec): PodGpuRequest {
  const regular: Record<string, number> = {};
  for (const container of spec.containers) {
    for (const [name, amount] of Object.entries(containerGpus(container)))
      add(regular, name, amount);
  }
  const sidecars: Record<string, number> = {};
  const initPeak: Record<string, number> = {};
  for (const container of spec.initContainers ?? []) {
    const gpus = containerGpus(container);
    if (container.restartPolicy === 'Always') {
      for (const [name, amount] of Object.entries(gpus)) add(sidecars, name, amount);
      continue;
    }
    for (const [name, amount] of Object.entries(gpus)) {
      initPeak[name] = Math.max(initPeak[name] ?? 0, amount + (sidecars[name] ?? 0));
    }
  }
  const resources: Record<string, number> = {};
  for (const name of new Set([
    ...Object.keys(regular),
    ...Object.keys(sidecars),
    ...Object.keys(initPeak),
  ])) {
    const steady = (regular[name] ?? 0) + (sidecars[name] ?? 0);
    const overhead = spec.overhead?.[name];
    const total = Math.max(steady, initPeak[name] ?? 0) + (overhead ? parseQuantity(overhead) : 0);
    if (total > 0) resources[name] = total;
  }
  const total = Object.values(resources).reduce((sum, amount) => sum + amount, 0);
  return { resources, total, products: total > 0 ? wantedProducts(spec) : [] };
}
