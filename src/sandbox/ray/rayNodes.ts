/**
 * The Ray nodes of one simulated cluster: what the operator simulation tells the Ray head about
 * its pods, and the Ray resources and identities derived from that, as `ray start` would.
 * @see /work/shared/reference/kuberay-api.md §2.4 (how KubeRay turns a pod into `ray start` flags)
 */

/**
 * One Ray node (a head or worker pod) as the operator simulation describes it. Resource amounts
 * are what KubeRay passes to `ray start` (`--num-cpus`, `--memory`, `--num-gpus`).
 */
export interface RayNodeDescription {
  /** Pod name: Ray's node name and the host name the driver and workloads print. Unique. */
  name: string;
  /** Pod IP address, e.g. `10.244.1.7`. */
  ip: string;
  /** Whether this is the head pod. Exactly one node should be. */
  isHead: boolean;
  /**
   * Ray node type (KubeRay's `RAY_NODE_TYPE_NAME`): the worker group name. Defaults to
   * `headgroup` for the head and `workergroup` for workers.
   */
  groupName?: string;
  /** Logical CPUs (`--num-cpus`); may be 0, as on a head that should run no tasks. */
  cpus: number;
  /** Bytes of memory (`--memory`, the container's memory limit). */
  memoryBytes: number;
  /** Whole GPUs (`--num-gpus`). */
  gpus: number;
  /**
   * GPU product as GPU feature discovery labels it (`nvidia.com/gpu.product`, spaces turned into
   * dashes), e.g. `NVIDIA-A100-SXM4-80GB` or `NVIDIA-GeForce-RTX-4090`. Shown as the device name.
   */
  gpuProduct?: string;
  /**
   * Ray accelerator type (resource `accelerator_type:<type>`). Defaults to what Ray derives
   * from the device name (see {@link acceleratorTypeOf}).
   */
  acceleratorType?: string;
  /** Custom Ray resources (`rayStartParams.resources`), e.g. `{ TPU: 4 }`. */
  customResources?: Record<string, number>;
  /** Ray node labels (Ray ≥ 2.49 adds `ray.io/node-group` and others). */
  labels?: Record<string, string>;
  /** False while the pod is not running (a dead or not yet ready Ray node). */
  alive: boolean;
}

/** Ray's resource name for a node's IP, present with 1 unit on every node. */
export const nodeIpResource = (ip: string): string => `node:${ip}`;

/** Present with 1 unit on the head node only (Ray ≥ 2.4). */
export const headNodeResource = 'node:__internal_head__';

/** Fraction of node memory Ray gives the object store by default (`ray start`). */
export const objectStoreMemoryFraction = 0.3;

/** The default Ray node type name of a node. */
export function nodeTypeName(node: RayNodeDescription): string {
  return node.groupName ?? (node.isHead ? 'headgroup' : 'workergroup');
}

/**
 * The device name `nvidia-smi` would print for a GPU feature discovery product label:
 * GFD replaces spaces with dashes, so this puts spaces back, except inside the SKU part of
 * data-centre names (`NVIDIA-A100-SXM4-80GB` → `NVIDIA A100-SXM4-80GB`,
 * `NVIDIA-GeForce-RTX-4090` → `NVIDIA GeForce RTX 4090`, `Tesla-T4` → `Tesla T4`).
 */
export function gpuDeviceName(product: string): string {
  const parts = product.split('-').filter((part) => part !== '');
  const skuStart = parts.findIndex((part, index) => index > 1 && /^(SXM|PCIE|NVL)/i.test(part));
  if (skuStart === -1) return parts.join(' ');
  return `${parts.slice(0, skuStart - 1).join(' ')} ${parts.slice(skuStart - 1).join('-')}`;
}

/**
 * Ray's accelerator type for a node: the explicit one, else what Ray 2.52 derives from the
 * device name with `^\w+\s+([A-Z0-9]+)` (`NVIDIA A100-SXM4-80GB` → `A100`, `Tesla T4` → `T4`;
 * consumer names such as `NVIDIA GeForce RTX 4090` give `G`, as in Ray itself).
 */
export function acceleratorTypeOf(node: RayNodeDescription): string | undefined {
  if (node.acceleratorType) return node.acceleratorType;
  if (node.gpus <= 0 || !node.gpuProduct) return undefined;
  return /^\w+\s+([A-Z0-9]+)/.exec(gpuDeviceName(node.gpuProduct))?.[1];
}

/** Memory of one GPU in MiB, from the product name (`…-80GB`) or a table of common cards. */
export function gpuMemoryMiB(product: string | undefined): number {
  if (!product) return 16_384;
  const gigabytes = /(\d+)GB/i.exec(product)?.[1];
  if (gigabytes) return Number(gigabytes) * 1024;
  const known: [RegExp, number][] = [
    [/H100|H200|A100/i, 81_920],
    [/L40|A40|A6000|6000/i, 49_152],
    [/4090|3090|A10|\bL4\b/i, 24_576],
    [/T4|V100/i, 16_384],
  ];
  return known.find(([pattern]) => pattern.test(product))?.[1] ?? 16_384;
}

/**
 * The Ray resources a node offers (`ray.cluster_resources()` keys): CPU, GPU, memory,
 * object_store_memory, `node:<ip>`, the head marker, `accelerator_type:<type>` and custom ones.
 * Zero amounts are left out, as Ray does.
 */
export function nodeResourceTotals(node: RayNodeDescription): Record<string, number> {
  const totals: Record<string, number> = {};
  if (node.cpus > 0) totals.CPU = node.cpus;
  if (node.gpus > 0) totals.GPU = node.gpus;
  if (node.memoryBytes > 0) {
    totals.memory = node.memoryBytes;
    totals.object_store_memory = Math.round(node.memoryBytes * objectStoreMemoryFraction);
  }
  totals[nodeIpResource(node.ip)] = 1;
  if (node.isHead) totals[headNodeResource] = 1;
  const accelerator = acceleratorTypeOf(node);
  if (accelerator) totals[`accelerator_type:${accelerator}`] = 1;
  for (const [name, amount] of Object.entries(node.customResources ?? {})) {
    if (amount > 0) totals[name] = amount;
  }
  return totals;
}

/**
 * A stable hex string of `bytes` bytes derived from `seed` (FNV-1a, then xorshift): Ray node,
 * actor and worker ids look random but must not change between calls for the same thing.
 */
export function stableHex(seed: string, bytes: number): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < seed.length; index++) {
    hash ^= seed.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  let out = '';
  let state = hash || 1;
  while (out.length < bytes * 2) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out += state.toString(16).padStart(8, '0');
  }
  return out.slice(0, bytes * 2);
}

/**
 * A deterministic pseudo-random generator (mulberry32) seeded from a string, so a simulated job
 * prints the same numbers every time it runs with the same submission id.
 */
export function seededRandom(seed: string): () => number {
  let state = Number.parseInt(stableHex(seed, 4), 16) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
