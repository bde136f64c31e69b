import { StatusError } from '../../apiserver/statusError.ts';
import { type ReconcileResult, WorkQueue } from '../WorkQueue.ts';
import { isAutoscalingEnabled, rayResourcesOfParams, rayStartParamsOf } from './buildRayPod.ts';
import { isRunningAndReady } from './computeRayClusterStatus.ts';
import { kubeRayConstants, kubeRayTimings } from './kubeRayConstants.ts';
import { splitKey } from './KubeRayIndex.ts';
import { errorMessage, type KubeRayRuntime } from './KubeRayRuntime.ts';
import type { RayCluster, WorkerGroupSpec } from './RayCluster.ts';

const { labels: labelKeys } = kubeRayConstants;

type Resources = Record<string, number>;

function fits(demand: Resources, capacity: Resources): boolean {
  return Object.entries(demand).every(
    ([name, amount]) => amount <= 0 || (capacity[name] ?? 0) >= amount,
  );
}

function subtract(capacity: Resources, demand: Resources): void {
  for (const [name, amount] of Object.entries(demand))
    capacity[name] = (capacity[name] ?? 0) - amount;
}

/**
 * The Ray autoscaler running in the head pod of clusters with `enableInTreeAutoscaling`,
 * simulated: every 5 simulated seconds it reads the head's pending resource demand and raises
 * `replicas` of the first worker group whose nodes fit each unplaced bundle (after counting
 * workers still starting), within `maxReplicas`; workers idle for `idleTimeoutSeconds`
 * (per group with autoscaler v2, else `autoscalerOptions.idleTimeoutSeconds`, default 60) are
 * removed by lowering `replicas` and naming them in `scaleStrategy.workersToDelete`, never below
 * `minReplicas`. It writes the RayCluster as the real autoscaler does (pods are KubeRay's job).
 */
export class InTreeAutoscaler {
  readonly queue: WorkQueue;
  private readonly runtime: KubeRayRuntime;
  private readonly idleSince = new Map<string, Map<string, number>>();
  private readonly active = new Set<string>();

  constructor(runtime: KubeRayRuntime) {
    this.runtime = runtime;
    this.queue = new WorkQueue({
      name: 'ray-autoscaler',
      clock: runtime.context.clock,
      reconcile: (key) => this.reconcile(key),
      onError: (key, error) => process.emitWarning(`ray-autoscaler ${key}: ${errorMessage(error)}`),
    });
  }

  /** Starts the autoscaler loop of a cluster whose head runs (idempotent). */
  watch(clusterKey: string): void {
    if (this.active.has(clusterKey)) return;
    this.active.add(clusterKey);
    this.queue.addAfter(clusterKey, kubeRayTimings.autoscalerIntervalMs);
  }

  /** One autoscaler iteration of `namespace/cluster`. */
  reconcile(key: string): ReconcileResult {
    const { namespace, name } = splitKey(key);
    const runtime = this.runtime;
    const cluster = runtime.find<RayCluster>('rayClusters', namespace, name);
    const head = runtime.heads.get(key);
    if (
      !cluster ||
      cluster.metadata.deletionTimestamp ||
      !isAutoscalingEnabled(cluster.spec) ||
      !head
    ) {
      this.active.delete(key);
      this.idleSince.delete(key);
      return;
    }
    const groups = structuredClone(cluster.spec.workerGroupSpecs ?? []);
    const pods = runtime.index
      .podsOfCluster(namespace, name)
      .filter((pod) => !pod.metadata.deletionTimestamp);
    const now = runtime.nowMs();
    let changed = false;

    const podNames = new Set(pods.map((pod) => pod.metadata.name ?? ''));
    for (const group of groups) {
      const pending = group.scaleStrategy?.workersToDelete ?? [];
      const remaining = pending.filter((podName) => podNames.has(podName));
      if (remaining.length !== pending.length) {
        group.scaleStrategy = { ...(group.scaleStrategy ?? {}), workersToDelete: remaining };
        changed = true;
      }
    }

    const capacityOf = new Map<string, Resources>();
    for (const group of groups) {
      capacityOf.set(
        group.groupName,
        rayResourcesOfParams(rayStartParamsOf(cluster, 'worker', group).params),
      );
    }
    const demand = head.pendingResourceDemand();
    const launching: Resources[] = [];
    for (const group of groups) {
      const capacity = capacityOf.get(group.groupName) ?? {};
      const groupPods = pods.filter(
        (pod) =>
          pod.metadata.labels?.[labelKeys.nodeType] === 'worker' &&
          pod.metadata.labels[labelKeys.group] === group.groupName,
      );
      const notReady = groupPods.filter((pod) => !isRunningAndReady(pod)).length;
      const notCreated = Math.max(0, replicasOf(group) * hostsOf(group) - groupPods.length);
      for (let index = 0; index < notReady + notCreated; index++) launching.push({ ...capacity });
    }
    for (const bundle of demand) {
      const slot = launching.find((capacity) => fits(bundle, capacity));
      if (slot) {
        subtract(slot, bundle);
        continue;
      }
      const group = groups.find(
        (candidate) =>
          candidate.suspend !== true &&
          replicasOf(candidate) < (candidate.maxReplicas ?? 2147483647) &&
          fits(bundle, capacityOf.get(candidate.groupName) ?? {}),
      );
      if (!group) continue;
      group.replicas = replicasOf(group) + 1;
      changed = true;
      for (let host = 0; host < hostsOf(group); host++) {
        const capacity = { ...(capacityOf.get(group.groupName) ?? {}) };
        if (host === 0) subtract(capacity, bundle);
        launching.push(capacity);
      }
    }

    const idle = this.idleSince.get(key) ?? new Map<string, number>();
    this.idleSince.set(key, idle);
    const seen = new Set<string>();
    for (const group of groups) {
      const timeoutMs =
        ((cluster.spec.autoscalerOptions?.version === 'v2'
          ? group.idleTimeoutSeconds
          : undefined) ??
          cluster.spec.autoscalerOptions?.idleTimeoutSeconds ??
          kubeRayTimings.autoscalerIdleTimeoutMs / 1000) * 1000;
      const toDelete = new Set(group.scaleStrategy?.workersToDelete ?? []);
      const groupPods = pods
        .filter(
          (pod) =>
            pod.metadata.labels?.[labelKeys.nodeType] === 'worker' &&
            pod.metadata.labels[labelKeys.group] === group.groupName &&
            !toDelete.has(pod.metadata.name ?? ''),
        )
        .filter(isRunningAndReady);
      for (const pod of groupPods) {
        const podName = pod.metadata.name ?? '';
        seen.add(podName);
        if (!head.isNodeIdle(podName) || demand.length > 0) {
          idle.delete(podName);
          continue;
        }
        const since = idle.get(podName) ?? now;
        idle.set(podName, since);
        if (now - since < timeoutMs) continue;
        if (replicasOf(group) <= (group.minReplicas ?? 0) || hostsOf(group) > 1) continue;
        group.replicas = replicasOf(group) - 1;
        group.scaleStrategy = {
          ...(group.scaleStrategy ?? {}),
          workersToDelete: [...(group.scaleStrategy?.workersToDelete ?? []), podName],
        };
        idle.delete(podName);
        changed = true;
      }
    }
    for (const podName of [...idle.keys()]) if (!seen.has(podName)) idle.delete(podName);

    if (changed) {
      try {
        runtime.update('rayClusters', {
          ...cluster,
          spec: { ...cluster.spec, workerGroupSpecs: groups },
        });
      } catch (error) {
        if (!(error instanceof StatusError)) throw error;
      }
    }
    return { requeueAfterMs: kubeRayTimings.autoscalerIntervalMs };
  }

  stop(): void {
    this.queue.stop();
  }
}

function replicasOf(group: WorkerGroupSpec): number {
  const min = group.minReplicas ?? 0;
  const max = group.maxReplicas ?? 2147483647;
  return Math.min(max, Math.max(min, group.replicas ?? 0));
}

function hostsOf(group: WorkerGroupSpec): number {
  return Math.max(1, group.numOfHosts ?? 1);
}
