import { parseQuantity, toMillis } from '../../../shared/k8s/quantity.ts';

/**
 * Resource amounts keyed by resource name: `cpu` in millicores (integers, as the scheduler's
 * `MilliCPU`), every other resource in its base unit (`memory` in bytes, `pods` and extended
 * resources such as `nvidia.com/gpu` as counts).
 */
export type ResourceAmounts = Record<string, number>;

/** The resources section of a container, as stored. */
export interface ContainerResources {
  requests?: Record<string, string | number>;
  limits?: Record<string, string | number>;
}

/** The parts of a container spec that resource accounting reads. */
export interface ContainerLike {
  name?: string;
  resources?: ContainerResources;
  /** `Always` marks a sidecar (restartable init container). */
  restartPolicy?: string;
}

/** The parts of a pod spec that resource accounting reads. */
export interface PodSpecLike {
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
  overhead?: Record<string, string | number>;
}

/** Default CPU a container without a CPU request counts as when scoring (scheduler's 100m). */
export const defaultMilliCpuRequest = 100;
/** Default memory a container without a memory request counts as when scoring (200 MB). */
export const defaultMemoryRequest = 200 * 1024 * 1024;

/** A quantity in the unit {@link ResourceAmounts} uses for `resource`; invalid ones count 0. */
export function amountOf(resource: string, quantity: string | number): number {
  try {
    return resource === 'cpu' ? toMillis(quantity) : parseQuantity(quantity);
  } catch {
    return 0;
  }
}

/** Amounts of a `ResourceList` (`{cpu: "500m", memory: "1Gi"}`). */
export function amountsOf(list: Record<string, string | number> | undefined): ResourceAmounts {
  const result: ResourceAmounts = {};
  for (const [resource, quantity] of Object.entries(list ?? {})) {
    result[resource] = amountOf(resource, quantity);
  }
  return result;
}

/**
 * A container's effective requests: its `requests`, with each resource that only has a limit
 * defaulting to that limit, as the API server's `SetDefaults_Pod` does (so `limits:
 * {nvidia.com/gpu: 1}` requests one GPU).
 */
export function containerRequests(container: ContainerLike): ResourceAmounts {
  return amountsOf({ ...container.resources?.limits, ...container.resources?.requests });
}

/** A container's limits. */
export function containerLimits(container: ContainerLike): ResourceAmounts {
  return amountsOf(container.resources?.limits);
}

function addInto(target: ResourceAmounts, source: ResourceAmounts): void {
  for (const [resource, amount] of Object.entries(source)) {
    target[resource] = (target[resource] ?? 0) + amount;
  }
}

function maxInto(target: ResourceAmounts, source: ResourceAmounts): void {
  for (const [resource, amount] of Object.entries(source)) {
    target[resource] = Math.max(target[resource] ?? 0, amount);
  }
}

/**
 * A pod's resources the way `resourcehelper.PodRequests`/`PodLimits` compute them: the sum of
 * the app containers and sidecars, raised to what any ordinary init container needs while it
 * runs (init containers run one at a time, next to the sidecars started before them), plus
 * `spec.overhead`.
 */
function podAmounts(spec: PodSpecLike, of: (container: ContainerLike) => ResourceAmounts) {
  const result: ResourceAmounts = {};
  const sidecars: ResourceAmounts = {};
  for (const container of spec.containers ?? []) addInto(result, of(container));
  for (const init of spec.initContainers ?? []) {
    if (init.restartPolicy === 'Always') {
      addInto(result, of(init));
      addInto(sidecars, of(init));
      continue;
    }
    const whileRunning = { ...sidecars };
    addInto(whileRunning, of(init));
    maxInto(result, whileRunning);
  }
  addInto(result, amountsOf(spec.overhead));
  return result;
}

/** Effective requests of a whole pod (see {@link containerRequests} for limit defaulting). */
export function podRequests(spec: PodSpecLike): ResourceAmounts {
  return podAmounts(spec, containerRequests);
}

/** Limits of a whole pod. */
export function podLimits(spec: PodSpecLike): ResourceAmounts {
  return podAmounts(spec, containerLimits);
}

/**
 * CPU and memory as the scheduler's scoring sees them: containers without a request count as
 * 100m CPU and 200 MB, so empty pods still spread (`schedutil.GetNonzeroRequests`).
 */
export function podNonZeroRequests(spec: PodSpecLike): { cpu: number; memory: number } {
  const nonZero = (container: ContainerLike): ResourceAmounts => {
    const requests = containerRequests(container);
    return {
      cpu: requests['cpu'] || defaultMilliCpuRequest,
      memory: requests['memory'] || defaultMemoryRequest,
    };
  };
  const amounts = podAmounts(spec, nonZero);
  return { cpu: amounts['cpu'] ?? 0, memory: amounts['memory'] ?? 0 };
}

/** Whether a resource name is an extended resource (`vendor.domain/name`, not kubernetes.io). */
export function isExtendedResource(resource: string): boolean {
  if (!resource.includes('/') || resource.includes('kubernetes.io/')) return false;
  return !resource.startsWith('requests.');
}
