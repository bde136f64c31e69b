import type { KubeObject } from '../../apiserver/resourceType.ts';
import type { Taint, Toleration } from '../core/nodePredicates.ts';
import {
  amountOf,
  type ContainerLike,
  podRequests,
  type ResourceAmounts,
} from '../core/podResources.ts';

// Typed views of the kueue.x-k8s.io/v1beta1 objects the simulated Kueue reads, parsed from the
// stored JSON with runtime checks (no casts): only the fields the simulation uses.

/** Kueue's queue label on jobs (RayCluster, RayJob, RayService). */
export const queueNameLabel = 'kueue.x-k8s.io/queue-name';

/** Label Kueue puts on a Workload: the uid of the job that owns it. */
export const jobUidLabel = 'kueue.x-k8s.io/job-uid';

/** A JSON object, or an empty one for anything else. */
export function recordOf(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) result[key] = item;
  return result;
}

/** A JSON list, or an empty one for anything else. */
export function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Text, or `fallback` for anything else. */
export function textOf(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

function stringMapOf(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(recordOf(value))) {
    if (typeof item === 'string') result[key] = item;
  }
  return result;
}

function taintOf(value: unknown): Taint {
  const taint = recordOf(value);
  const effect = textOf(taint['effect']);
  return {
    key: textOf(taint['key']),
    ...(typeof taint['value'] === 'string' ? { value: taint['value'] } : {}),
    effect,
  };
}

function tolerationOf(value: unknown): Toleration {
  const toleration = recordOf(value);
  const result: Toleration = {};
  for (const key of ['key', 'operator', 'value', 'effect'] as const) {
    const text = toleration[key];
    if (typeof text === 'string') result[key] = text;
  }
  return result;
}

/** A ResourceFlavor: the nodes it stands for and what admitted pods get injected. */
export interface Flavor {
  name: string;
  nodeLabels: Record<string, string>;
  nodeTaints: Taint[];
  tolerations: Toleration[];
}

export function flavorOf(object: KubeObject): Flavor {
  const spec = recordOf(object['spec']);
  return {
    name: object.metadata?.name ?? '',
    nodeLabels: stringMapOf(spec['nodeLabels']),
    nodeTaints: listOf(spec['nodeTaints']).map(taintOf),
    tolerations: listOf(spec['tolerations']).map(tolerationOf),
  };
}

/** One resource's quota in one flavor, in {@link ResourceAmounts} units. */
export interface ResourceQuota {
  nominal: number;
  /** Undefined: no limit (within the cohort). */
  borrowingLimit?: number;
  /** Undefined: all of the nominal quota can be lent. */
  lendingLimit?: number;
}

/** A resource group of a ClusterQueue: covered resources and their flavors in order. */
export interface ResourceGroup {
  covered: string[];
  flavors: { name: string; resources: Map<string, ResourceQuota> }[];
}

export type PreemptionPolicy = 'Never' | 'LowerPriority' | 'Any' | 'LowerOrNewerEqualPriority';

/** A ClusterQueue as the scheduler reads it. */
export interface ClusterQueue {
  name: string;
  uid: string;
  cohort: string | undefined;
  strategy: 'StrictFIFO' | 'BestEffortFIFO';
  namespaceSelector: unknown;
  groups: ResourceGroup[];
  reclaimWithinCohort: PreemptionPolicy;
  withinClusterQueue: PreemptionPolicy;
  stopPolicy: string;
}

function policyOf(value: unknown): PreemptionPolicy {
  return value === 'LowerPriority' || value === 'Any' || value === 'LowerOrNewerEqualPriority'
    ? value
    : 'Never';
}

export function clusterQueueOf(object: KubeObject): ClusterQueue {
  const spec = recordOf(object['spec']);
  const preemption = recordOf(spec['preemption']);
  const cohort = textOf(spec['cohort']);
  return {
    name: object.metadata?.name ?? '',
    uid: object.metadata?.uid ?? '',
    cohort: cohort === '' ? undefined : cohort,
    strategy: spec['queueingStrategy'] === 'StrictFIFO' ? 'StrictFIFO' : 'BestEffortFIFO',
    namespaceSelector: spec['namespaceSelector'],
    reclaimWithinCohort: policyOf(preemption['reclaimWithinCohort']),
    withinClusterQueue: policyOf(preemption['withinClusterQueue']),
    stopPolicy: textOf(spec['stopPolicy'], 'None'),
    groups: listOf(spec['resourceGroups']).map((groupValue) => {
      const group = recordOf(groupValue);
      return {
        covered: listOf(group['coveredResources']).map((resource) => textOf(resource)),
        flavors: listOf(group['flavors']).map((flavorValue) => {
          const flavor = recordOf(flavorValue);
          const resources = new Map<string, ResourceQuota>();
          for (const resourceValue of listOf(flavor['resources'])) {
            const resource = recordOf(resourceValue);
            const name = textOf(resource['name']);
            const amount = (key: string): number | undefined => {
              const quantity = resource[key];
              return typeof quantity === 'string' || typeof quantity === 'number'
                ? amountOf(name, quantity)
                : undefined;
            };
            const borrowingLimit = amount('borrowingLimit');
            const lendingLimit = amount('lendingLimit');
            resources.set(name, {
              nominal: amount('nominalQuota') ?? 0,
              ...(borrowingLimit !== undefined ? { borrowingLimit } : {}),
              ...(lendingLimit !== undefined ? { lendingLimit } : {}),
            });
          }
          return { name: textOf(flavor['name']), resources };
        }),
      };
    }),
  };
}

/**
 * A pod set of a Workload: its pod count, one pod's requests and the scheduling constraints
 * flavor assignment reads (node selector and tolerations; node affinity is not read).
 */
export interface PodSet {
  name: string;
  count: number;
  perPod: ResourceAmounts;
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
}

/** A pod set read from a Workload's `spec.podSets[]` entry or a job's pod template. */
export function podSetOf(name: string, count: number, template: unknown): PodSet {
  const spec = recordOf(recordOf(template)['spec']);
  return {
    name,
    count,
    perPod: podRequests({
      containers: listOf(spec['containers']).map(containerOf),
      initContainers: listOf(spec['initContainers']).map(containerOf),
      ...(Object.keys(recordOf(spec['overhead'])).length > 0
        ? { overhead: quantitiesOf(spec['overhead']) }
        : {}),
    }),
    nodeSelector: stringMapOf(spec['nodeSelector']),
    tolerations: listOf(spec['tolerations']).map(tolerationOf),
  };
}

function quantitiesOf(value: unknown): Record<string, string | number> {
  const result: Record<string, string | number> = {};
  for (const [key, item] of Object.entries(recordOf(value))) {
    if (typeof item === 'string' || typeof item === 'number') result[key] = item;
  }
  return result;
}

function containerOf(value: unknown): ContainerLike {
  const container = recordOf(value);
  const resources = recordOf(container['resources']);
  return {
    ...(typeof container['restartPolicy'] === 'string'
      ? { restartPolicy: container['restartPolicy'] }
      : {}),
    resources: {
      requests: quantitiesOf(resources['requests']),
      limits: quantitiesOf(resources['limits']),
    },
  };
}

/** The ResourceAmounts a pod set asks for in total (per pod × count). */
export function podSetTotal(podSet: PodSet): ResourceAmounts {
  const total: ResourceAmounts = {};
  for (const [resource, amount] of Object.entries(podSet.perPod)) {
    if (amount > 0) total[resource] = amount * podSet.count;
  }
  return total;
}
