import { findUntoleratedTaint } from '../core/nodePredicates.ts';
import type { ResourceAmounts } from '../core/podResources.ts';
import { formatQuotaAmount } from '../core/resourceQuota.ts';
import {
  type ClusterQueue,
  type Flavor,
  type PodSet,
  podSetTotal,
  type ResourceQuota,
} from './kueueModel.ts';

// Kueue's flavor assignment and quota arithmetic (classical, no hierarchical cohorts), with the
// wording of its messages (pkg/scheduler/flavorassigner in kubernetes-sigs/kueue):
//   couldn't assign flavors to pod set head: insufficient unused quota for nvidia.com/gpu in
//   flavor nvidia-a100-sxm4-80gb, 2 more needed

/** Quota use of one workload or queue, keyed by {@link usageKey}. */
export type FlavorUsage = Map<string, number>;

/** The key of a flavor's resource in a {@link FlavorUsage}. */
export function usageKey(flavor: string, resource: string): string {
  return `${flavor}\u0000${resource}`;
}

/** Splits a {@link usageKey} back into flavor and resource. */
export function splitUsageKey(key: string): { flavor: string; resource: string } {
  const [flavor = '', resource = ''] = key.split('\u0000');
  return { flavor, resource };
}

/** What one pod set got: a flavor per requested resource and the amounts it reserves. */
export interface PodSetAssignment {
  name: string;
  count: number;
  flavors: Record<string, string>;
  resourceUsage: ResourceAmounts;
}

/** A workload's assignment, or why none fits (Kueue's message) and what it lacks. */
export type AssignmentResult =
  | { fits: true; podSets: PodSetAssignment[]; usage: FlavorUsage }
  | {
      fits: false;
      message: string;
      /** Every flavor/resource that lacked unused quota (candidates for preemption). */
      short: { flavor: string; resource: string }[];
    };

/**
 * The quota of every ClusterQueue and what admitted workloads reserve in it, with Kueue's
 * `Available` arithmetic: a queue may use its guaranteed (non-lendable) quota, plus what the
 * cohort as a whole has unused of the quota its members lend, capped by its borrowing limit.
 */
export class QuotaSnapshot {
  private readonly usage = new Map<string, FlavorUsage>();

  private readonly queues: ReadonlyMap<string, ClusterQueue>;

  constructor(queues: ReadonlyMap<string, ClusterQueue>) {
    this.queues = queues;
  }

  /** The quota of `resource` in `flavor` of a queue, if the queue lists it. */
  quota(queue: ClusterQueue, flavor: string, resource: string): ResourceQuota | undefined {
    for (const group of queue.groups) {
      const quota = group.flavors.find((entry) => entry.name === flavor)?.resources.get(resource);
      if (quota) return quota;
    }
    return undefined;
  }

  /** What admitted workloads of a queue reserve, by flavor and resource. */
  usageOf(queue: string): FlavorUsage {
    return this.usage.get(queue) ?? new Map();
  }

  used(queue: string, flavor: string, resource: string): number {
    return this.usageOf(queue).get(usageKey(flavor, resource)) ?? 0;
  }

  /** Adds (or with `sign` -1 removes) a workload's reservation. */
  add(queue: string, usage: FlavorUsage, sign: 1 | -1 = 1): void {
    const current = this.usage.get(queue) ?? new Map<string, number>();
    for (const [key, amount] of usage) current.set(key, (current.get(key) ?? 0) + sign * amount);
    this.usage.set(queue, current);
  }

  private cohortMembers(queue: ClusterQueue): ClusterQueue[] {
    if (!queue.cohort) return [queue];
    return [...this.queues.values()].filter((member) => member.cohort === queue.cohort);
  }

  /** Unused quota of `resource` in `flavor` a queue could reserve now (never negative). */
  available(queue: ClusterQueue, flavor: string, resource: string): number {
    const own = this.quota(queue, flavor, resource);
    const used = this.used(queue.name, flavor, resource);
    if (!queue.cohort) return Math.max(0, (own?.nominal ?? 0) - used);
    let lendable = 0;
    let lent = 0;
    for (const member of this.cohortMembers(queue)) {
      const quota = this.quota(member, flavor, resource);
      const nominal = quota?.nominal ?? 0;
      const guaranteed = nominal - (quota?.lendingLimit ?? nominal);
      lendable += nominal - guaranteed;
      lent += Math.max(0, this.used(member.name, flavor, resource) - guaranteed);
    }
    const nominal = own?.nominal ?? 0;
    const guaranteed = nominal - (own?.lendingLimit ?? nominal);
    const free = Math.max(0, guaranteed - used) + Math.max(0, lendable - lent);
    const cap = own?.borrowingLimit === undefined ? Infinity : nominal + own.borrowingLimit - used;
    return Math.max(0, Math.min(free, cap));
  }

  /** Kueue's `PotentialAvailable`: what the queue could hold with the cohort otherwise empty. */
  maximumCapacity(queue: ClusterQueue, flavor: string, resource: string): number {
    const own = this.quota(queue, flavor, resource);
    const nominal = own?.nominal ?? 0;
    if (!queue.cohort) return nominal;
    let others = 0;
    for (const member of this.cohortMembers(queue)) {
      if (member.name === queue.name) continue;
      const quota = this.quota(member, flavor, resource);
      others += quota?.lendingLimit ?? quota?.nominal ?? 0;
    }
    const borrowable =
      own?.borrowingLimit === undefined ? others : Math.min(others, own.borrowingLimit);
    return nominal + borrowable;
  }
}

/** Go's `%s` of a corev1.Taint value, as Kueue's message prints it. */
function taintText(taint: { key: string; value?: string; effect: string }): string {
  return `{${taint.key} ${taint.value ?? ''} ${taint.effect} <nil>}`;
}

/**
 * Assigns a flavor to every resource each pod set requests, trying each resource group's
 * flavors in order (Kueue's default `whenCanBorrow: MayStopSearch`: the first flavor that fits,
 * borrowing or not). A flavor is skipped when the pod set does not tolerate its taints (its own
 * tolerations plus the flavor's) or its node selector contradicts the flavor's node labels on a
 * key some flavor of the group uses. Requests of earlier pod sets count against later ones.
 */
export function assignFlavors(
  queue: ClusterQueue,
  podSets: readonly PodSet[],
  flavors: ReadonlyMap<string, Flavor>,
  snapshot: QuotaSnapshot,
): AssignmentResult {
  const assumed: FlavorUsage = new Map();
  const assignments: PodSetAssignment[] = [];
  const short: { flavor: string; resource: string }[] = [];
  for (const podSet of podSets) {
    const total = podSetTotal(podSet);
    const assigned: Record<string, string> = {};
    for (const resource of Object.keys(total)) {
      if (!queue.groups.some((group) => group.covered.includes(resource))) {
        return {
          fits: false,
          message: `couldn't assign flavors to pod set ${podSet.name}: resource ${resource} unavailable in ClusterQueue`,
          short,
        };
      }
    }
    for (const group of queue.groups) {
      const requested = Object.keys(total).filter((resource) => group.covered.includes(resource));
      if (requested.length === 0) continue;
      const labelKeys = new Set(
        group.flavors.flatMap((entry) => Object.keys(flavors.get(entry.name)?.nodeLabels ?? {})),
      );
      const reasons: string[] = [];
      let chosen: string | undefined;
      for (const entry of group.flavors) {
        const flavor = flavors.get(entry.name);
        if (!flavor) {
          reasons.push(`flavor ${entry.name} not found`);
          continue;
        }
        const taint = findUntoleratedTaint(flavor.nodeTaints, [
          ...podSet.tolerations,
          ...flavor.tolerations,
        ]);
        if (taint) {
          reasons.push(`untolerated taint ${taintText(taint)} in flavor ${flavor.name}`);
          continue;
        }
        const contradicts = Object.entries(podSet.nodeSelector).some(
          ([key, value]) => labelKeys.has(key) && flavor.nodeLabels[key] !== value,
        );
        if (contradicts) {
          reasons.push(`flavor ${flavor.name} doesn't match node affinity`);
          continue;
        }
        let fits = true;
        for (const resource of requested) {
          const request = total[resource] ?? 0;
          const before = assumed.get(usageKey(flavor.name, resource)) ?? 0;
          const maximum = snapshot.maximumCapacity(queue, flavor.name, resource);
          if (before + request > maximum) {
            reasons.push(
              `insufficient quota for ${resource} in flavor ${flavor.name}, previously considered podsets requests (${formatQuotaAmount(resource, before)}) + current podset request (${formatQuotaAmount(resource, request)}) > maximum capacity (${formatQuotaAmount(resource, maximum)})`,
            );
            fits = false;
            continue;
          }
          const available = snapshot.available(queue, flavor.name, resource);
          if (before + request > available) {
            reasons.push(
              `insufficient unused quota for ${resource} in flavor ${flavor.name}, ${formatQuotaAmount(resource, before + request - available)} more needed`,
            );
            short.push({ flavor: flavor.name, resource });
            fits = false;
          }
        }
        if (fits) {
          chosen = flavor.name;
          break;
        }
      }
      if (chosen === undefined) {
        return {
          fits: false,
          message: `couldn't assign flavors to pod set ${podSet.name}: ${reasons.join(', ')}`,
          short,
        };
      }
      for (const resource of requested) {
        assigned[resource] = chosen;
        const key = usageKey(chosen, resource);
        assumed.set(key, (assumed.get(key) ?? 0) + (total[resource] ?? 0));
      }
    }
    assignments.push({
      name: podSet.name,
      count: podSet.count,
      flavors: assigned,
      resourceUsage: total,
    });
  }
  return { fits: true, podSets: assignments, usage: assumed };
}
