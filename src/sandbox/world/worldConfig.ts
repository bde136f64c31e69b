import { parse as parseYaml } from 'yaml';

import { parseQuantity } from '../../shared/k8s/quantity.ts';

/** A node taint, as in `node.spec.taints`. */
export interface WorldTaint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** GPUs of each node in a pool, with the labels GPU feature discovery would set. */
export interface WorldGpu {
  count: number;
  /** `nvidia.com/gpu.product`, e.g. `NVIDIA-A100-SXM4-80GB`. */
  product: string;
  /** `nvidia.com/gpu.memory` in MiB. */
  memoryMiB: number;
  /** Extended resource name. Default `nvidia.com/gpu`. */
  resource: string;
}

/** A group of identical nodes named `<name>-1`, `<name>-2`, … */
export interface WorldNodePool {
  name: string;
  count: number;
  /** CPU cores per node. */
  cpu: number;
  /** Memory per node as a quantity, e.g. `64Gi`. */
  memory: string;
  /** Pod capacity per node. Default 110, as the kubelet's default. */
  pods: number;
  gpu?: WorldGpu;
  labels: Record<string, string>;
  taints: WorldTaint[];
}

/** A namespace and, optionally, its ResourceQuota `spec.hard`. */
export interface WorldNamespace {
  name: string;
  quota?: Record<string, string>;
}

/**
 * A team run through the simulated Kueue: a ClusterQueue named after the namespace with a
 * `default` LocalQueue in it. CPU and memory are quota of the `default-flavor`; GPUs are quota
 * per GPU product, each product a ResourceFlavor named after it in lower case.
 */
export interface WorldKueueQueue {
  namespace: string;
  /** Cohort the ClusterQueue borrows and lends in; none by default. */
  cohort?: string;
  /** Nominal CPU quota as a quantity, e.g. `32`. */
  cpu: string;
  /** Nominal memory quota as a quantity, e.g. `128Gi`. */
  memory: string;
  /** Nominal GPUs per product (`nvidia.com/gpu.product` value), e.g. `{NVIDIA-A100-SXM4-80GB: 2}`. */
  gpus: Record<string, number>;
}

/** The simulated Kueue (docs/sandbox-kueue.md); absent: Kueue is not installed. */
export interface WorldKueue {
  queues: WorldKueueQueue[];
}

/** Simulated durations in seconds; multiplied away by `speed`. */
export interface WorldTimings {
  /** Pulling an image (ContainerCreating). Default 4. */
  imagePullSeconds: number;
  /** Container start until Running. Default 1. */
  containerStartSeconds: number;
  /** Running until Ready (readiness probe passes). Default 3. */
  readinessSeconds: number;
  /** ErrImagePull until ImagePullBackOff. Default 5. */
  imagePullBackOffSeconds: number;
  /** A crashing container's run time before it restarts. Default 3. */
  crashSeconds: number;
  /** How long a Job pod's container runs before it completes. Default 10. */
  jobPodSeconds: number;
}

/** The world the sandbox simulates: nodes, namespaces, quotas, timings and speed. */
export interface WorldConfig {
  /** Simulated time runs this many times faster than real time. Default 1. */
  speed: number;
  nodePools: WorldNodePool[];
  namespaces: WorldNamespace[];
  timings: WorldTimings;
  /** Kueue's CRDs, flavors, queues and controller; unset: no Kueue. */
  kueue?: WorldKueue;
}

const defaultTimings: WorldTimings = {
  imagePullSeconds: 4,
  containerStartSeconds: 1,
  readinessSeconds: 3,
  imagePullBackOffSeconds: 5,
  crashSeconds: 3,
  jobPodSeconds: 10,
};

/**
 * The default world: a homelab GPU box grown into a small lab. Two CPU nodes, one node with two
 * RTX 4090s, one with four A100s behind the taint the NVIDIA GPU operator recommends, and two team
 * namespaces, team-b limited to 2 GPUs by a ResourceQuota and team-a queued through Kueue with a
 * nominal quota of 2 A100s (so both quota paths are visible).
 */
export const defaultWorldYaml = `# Raydeck sandbox world (simulated). Durations are simulated seconds.
speed: 1
nodePools:
  - name: cpu
    count: 2
    cpu: 16
    memory: 64Gi
  - name: gpu-rtx4090
    count: 1
    cpu: 32
    memory: 128Gi
    gpu: { count: 2, product: NVIDIA-GeForce-RTX-4090, memoryMiB: 24564 }
  - name: gpu-a100
    count: 1
    cpu: 64
    memory: 512Gi
    gpu: { count: 4, product: NVIDIA-A100-SXM4-80GB, memoryMiB: 81920 }
    taints:
      - { key: nvidia.com/gpu, value: present, effect: NoSchedule }
namespaces:
  - name: team-a
  - name: team-b
    quota:
      requests.nvidia.com/gpu: "2"
timings:
  imagePullSeconds: 4
  containerStartSeconds: 1
  readinessSeconds: 3
kueue:
  queues:
    - namespace: team-a
      cohort: gpu-lab
      cpu: "96"
      memory: 512Gi
      gpus: { NVIDIA-A100-SXM4-80GB: 2 }
`;

/** A world file problem, naming the field (`nodePools[1].gpu.count`). */
export class WorldConfigError extends Error {
  constructor(problems: readonly string[]) {
    super(`Invalid world file:\n  ${problems.join('\n  ')}`);
    this.name = 'WorldConfigError';
  }
}

type Json = Record<string, unknown>;

/** Parses and validates a world file, reporting every problem with its field path. */
export function parseWorldConfig(yamlText: string): WorldConfig {
  let raw: unknown;
  try {
    raw = parseYaml(yamlText);
  } catch (error) {
    throw new WorldConfigError([
      `not valid YAML: ${(error as Error).message.split('\n')[0] ?? ''}`,
    ]);
  }
  const problems: string[] = [];
  const root = isObject(raw) ? raw : (problems.push('the file must be a YAML mapping'), {});
  const speed = numberField(root, 'speed', 'speed', problems, {
    default: 1,
    min: Number.MIN_VALUE,
  });

  const pools = arrayField(root, 'nodePools', 'nodePools', problems).map((item, index) => {
    const path = `nodePools[${index}]`;
    const pool = isObject(item) ? item : (problems.push(`${path}: must be a mapping`), {});
    const name = stringField(
      pool,
      'name',
      `${path}.name`,
      problems,
      /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    );
    const memory = stringField(pool, 'memory', `${path}.memory`, problems);
    if (memory) {
      try {
        parseQuantity(memory);
      } catch {
        problems.push(`${path}.memory: "${memory}" is not a quantity such as 64Gi`);
      }
    }
    const gpuRaw = pool['gpu'];
    let gpu: WorldGpu | undefined;
    if (gpuRaw !== undefined) {
      const gpuObject = isObject(gpuRaw)
        ? gpuRaw
        : (problems.push(`${path}.gpu: must be a mapping`), {});
      gpu = {
        count: numberField(gpuObject, 'count', `${path}.gpu.count`, problems, {
          integer: true,
          min: 1,
        }),
        product: stringField(gpuObject, 'product', `${path}.gpu.product`, problems),
        memoryMiB: numberField(gpuObject, 'memoryMiB', `${path}.gpu.memoryMiB`, problems, {
          integer: true,
          min: 1,
          default: 16384,
        }),
        resource:
          typeof gpuObject['resource'] === 'string' ? gpuObject['resource'] : 'nvidia.com/gpu',
      };
    }
    const taints = arrayField(pool, 'taints', `${path}.taints`, problems, true).map(
      (taint, taintIndex) => {
        const taintPath = `${path}.taints[${taintIndex}]`;
        const taintObject = isObject(taint)
          ? taint
          : (problems.push(`${taintPath}: must be a mapping`), {});
        const effect = taintObject['effect'];
        if (effect !== 'NoSchedule' && effect !== 'PreferNoSchedule' && effect !== 'NoExecute') {
          problems.push(`${taintPath}.effect: must be NoSchedule, PreferNoSchedule or NoExecute`);
        }
        return {
          key: stringField(taintObject, 'key', `${taintPath}.key`, problems),
          ...(typeof taintObject['value'] === 'string' ? { value: taintObject['value'] } : {}),
          effect: effect as WorldTaint['effect'],
        };
      },
    );
    const labels = isObject(pool['labels']) ? (pool['labels'] as Record<string, string>) : {};
    return {
      name,
      count: numberField(pool, 'count', `${path}.count`, problems, {
        integer: true,
        min: 1,
        default: 1,
      }),
      cpu: numberField(pool, 'cpu', `${path}.cpu`, problems, { min: Number.MIN_VALUE }),
      memory,
      pods: numberField(pool, 'pods', `${path}.pods`, problems, {
        integer: true,
        min: 1,
        default: 110,
      }),
      ...(gpu ? { gpu } : {}),
      labels,
      taints,
    };
  });
  if (pools.length === 0 && problems.length === 0)
    problems.push('nodePools: at least one node pool is required');
  const poolNames = new Set<string>();
  for (const pool of pools) {
    if (poolNames.has(pool.name)) problems.push(`nodePools: the name "${pool.name}" is used twice`);
    poolNames.add(pool.name);
  }

  const namespaces = arrayField(root, 'namespaces', 'namespaces', problems, true).map(
    (item, index) => {
      const path = `namespaces[${index}]`;
      const namespace = isObject(item) ? item : (problems.push(`${path}: must be a mapping`), {});
      const quota = namespace['quota'];
      if (quota !== undefined && !isObject(quota))
        problems.push(`${path}.quota: must be a mapping of resource to quantity`);
      return {
        name: stringField(
          namespace,
          'name',
          `${path}.name`,
          problems,
          /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
        ),
        ...(isObject(quota)
          ? {
              quota: Object.fromEntries(
                Object.entries(quota).map(([key, value]) => [key, String(value)]),
              ),
            }
          : {}),
      };
    },
  );

  const timingsRaw = isObject(root['timings']) ? root['timings'] : {};
  const timings = Object.fromEntries(
    Object.entries(defaultTimings).map(([key, fallback]) => [
      key,
      numberField(timingsRaw, key, `timings.${key}`, problems, { min: 0, default: fallback }),
    ]),
  ) as unknown as WorldTimings;
  for (const key of Object.keys(timingsRaw)) {
    if (!(key in defaultTimings))
      problems.push(
        `timings.${key}: unknown timing (known: ${Object.keys(defaultTimings).join(', ')})`,
      );
  }

  const kueue = root['kueue'] === undefined ? undefined : parseKueue(root['kueue'], problems);
  const namespaceNames = new Set(namespaces.map((namespace) => namespace.name));
  const products = new Set(pools.flatMap((pool) => (pool.gpu ? [pool.gpu.product] : [])));
  kueue?.queues.forEach((queue, index) => {
    if (queue.namespace && !namespaceNames.has(queue.namespace))
      problems.push(`kueue.queues[${index}].namespace: "${queue.namespace}" is not in namespaces`);
    for (const product of Object.keys(queue.gpus)) {
      if (!products.has(product))
        problems.push(`kueue.queues[${index}].gpus.${product}: no node pool has this GPU product`);
    }
  });

  if (problems.length > 0) throw new WorldConfigError(problems);
  return { speed, nodePools: pools, namespaces, timings, ...(kueue ? { kueue } : {}) };
}

function parseKueue(raw: unknown, problems: string[]): WorldKueue {
  const kueue = isObject(raw) ? raw : (problems.push('kueue: must be a mapping'), {});
  const queues = arrayField(kueue, 'queues', 'kueue.queues', problems).map((item, index) => {
    const path = `kueue.queues[${index}]`;
    const queue = isObject(item) ? item : (problems.push(`${path}: must be a mapping`), {});
    const quantityField = (key: 'cpu' | 'memory') => {
      const value = queue[key] === undefined ? '0' : String(queue[key]);
      try {
        parseQuantity(value);
      } catch {
        problems.push(`${path}.${key}: "${value}" is not a quantity`);
      }
      return value;
    };
    const gpusRaw = queue['gpus'] ?? {};
    const gpus: Record<string, number> = {};
    if (!isObject(gpusRaw))
      problems.push(`${path}.gpus: must be a mapping of GPU product to count`);
    else {
      for (const product of Object.keys(gpusRaw)) {
        gpus[product] = numberField(gpusRaw, product, `${path}.gpus.${product}`, problems, {
          integer: true,
          min: 0,
        });
      }
    }
    const cohort = queue['cohort'];
    if (cohort !== undefined && typeof cohort !== 'string')
      problems.push(`${path}.cohort: must be text`);
    return {
      namespace: stringField(
        queue,
        'namespace',
        `${path}.namespace`,
        problems,
        /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
      ),
      ...(typeof cohort === 'string' ? { cohort } : {}),
      cpu: quantityField('cpu'),
      memory: quantityField('memory'),
      gpus,
    };
  });
  return { queues };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayField(
  object: Json,
  key: string,
  path: string,
  problems: string[],
  optional = false,
): unknown[] {
  const value = object[key];
  if (value === undefined && optional) return [];
  if (!Array.isArray(value)) {
    problems.push(`${path}: must be a list`);
    return [];
  }
  return value;
}

function stringField(
  object: Json,
  key: string,
  path: string,
  problems: string[],
  pattern?: RegExp,
): string {
  const value = object[key];
  if (typeof value !== 'string' || value === '') {
    problems.push(`${path}: required text`);
    return '';
  }
  if (pattern && !pattern.test(value))
    problems.push(`${path}: "${value}" must match ${pattern.source}`);
  return value;
}

function numberField(
  object: Json,
  key: string,
  path: string,
  problems: string[],
  rules: { integer?: boolean; min?: number; default?: number },
): number {
  const value = object[key];
  if (value === undefined && rules.default !== undefined) return rules.default;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    problems.push(`${path}: must be a number`);
    return rules.default ?? 0;
  }
  if (rules.integer && !Number.isInteger(value))
    problems.push(`${path}: must be a whole number, got ${value}`);
  if (rules.min !== undefined && value < rules.min)
    problems.push(
      `${path}: must be at least ${rules.min === Number.MIN_VALUE ? 'above 0' : rules.min}, got ${value}`,
    );
  return value;
}
