import type { StoreEvent } from '../../apiserver/objectStore.ts';
import type { KubeObject } from '../../apiserver/resourceType.ts';
import { StatusError } from '../../apiserver/statusError.ts';
import type { RunningController, WorldContext } from '../../world/worldContext.ts';
import {
  type CoreTypes,
  isPodTerminal,
  type PodCondition,
  podStatusOf,
  timeString,
  withCondition,
  writeStatus,
} from './coreApi.ts';
import { fitErrorMessage, type NodeRejection } from './fitErrorMessage.ts';
import {
  countIntolerablePreferNoSchedule,
  findUntoleratedTaint,
  matchesNodeSelectorAndAffinity,
  preferredAffinityScore,
  type SchedulingSpec,
  type Taint,
  toleratesTaint,
} from './nodePredicates.ts';
import { type PodChange, type PodIndex } from './PodIndex.ts';
import {
  amountsOf,
  podNonZeroRequests,
  podRequests,
  type PodSpecLike,
  type ResourceAmounts,
} from './podResources.ts';
import { TimerHeap } from './TimerHeap.ts';

/** The scheduler's name, as pods' `spec.schedulerName` and events' `reportingController`. */
export const defaultSchedulerName = 'default-scheduler';

/** Retry delays of kube-scheduler's queue, in simulated milliseconds. */
export const schedulerTimings = {
  /** First backoff after a failed attempt (`podInitialBackoffSeconds`, 1 s), doubling. */
  initialBackoffMs: 1_000,
  /** Backoff cap (`podMaxBackoffSeconds`, 10 s). */
  maxBackoffMs: 10_000,
  /** How often unschedulable pods left alone are checked (`flushUnschedulablePodsLeftover`). */
  flushIntervalMs: 30_000,
  /** Unschedulable pods are retried after this long even without a cluster event (5 min). */
  maxUnschedulableMs: 5 * 60_000,
} as const;

/** Pods scheduled per event-loop turn, so HTTP clients are served between batches. */
const batchSize = 2_000;

const unschedulableReason = 'node(s) were unschedulable';
const taintReason = 'node(s) had untolerated taint(s)';
const affinityReason = "node(s) didn't match Pod's node affinity/selector";
const unschedulableTaint: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

interface NodeInfo {
  name: string;
  /** Position in the scheduler's node list (and in the static filter cache). */
  index: number;
  /** What the static filters read, to tell relevant node updates from heartbeats. */
  fingerprint: string;
  labels: Record<string, string>;
  /** spec.taints plus the NoSchedule taint the node lifecycle controller adds when not Ready. */
  taints: Taint[];
  unschedulable: boolean;
  allocatable: ResourceAmounts;
  requested: ResourceAmounts;
  nonZeroCpu: number;
  nonZeroMemory: number;
  podCount: number;
}

interface Assignment {
  node: string;
  requests: ResourceAmounts;
  cpu: number;
  memory: number;
}

interface QueuedPod {
  key: string;
  uid: string;
  priority: number;
  sequence: number;
  attempts: number;
  lastAttemptAt: number;
  unschedulableAt: number;
  /** Some node rejected it for resources (a freed pod on such a node may help). */
  resourceRejected: boolean;
  signature: string;
  spec: unknown;
  state: 'active' | 'backoff' | 'unschedulable' | 'gated';
  cancelBackoff?: () => void;
}

interface Failure {
  epoch: number;
  message: string;
  resourceRejected: boolean;
}

interface PodSpec extends SchedulingSpec, PodSpecLike {
  nodeName?: string;
  schedulerName?: string;
  priority?: number;
  preemptionPolicy?: string;
  schedulingGates?: { name: string }[];
}

function specOf(pod: KubeObject): PodSpec {
  return (pod['spec'] ?? {}) as PodSpec;
}

/** Amounts in the scheduler's units of `node.status.allocatable`. */
function allocatableOf(node: KubeObject): ResourceAmounts {
  const status = (node['status'] ?? {}) as {
    allocatable?: Record<string, string>;
    capacity?: Record<string, string>;
  };
  return amountsOf(status.allocatable ?? status.capacity);
}

function effectiveTaints(node: KubeObject): Taint[] {
  const taints = [
    ...(((node['spec'] as { taints?: Taint[] } | undefined)?.taints ?? []) as Taint[]),
  ];
  const ready = (
    (node['status'] as { conditions?: { type: string; status: string }[] } | undefined)
      ?.conditions ?? []
  ).find((condition) => condition.type === 'Ready');
  const lifecycleKey =
    ready?.status === 'True'
      ? undefined
      : ready?.status === 'Unknown'
        ? 'node.kubernetes.io/unreachable'
        : 'node.kubernetes.io/not-ready';
  if (lifecycleKey && !taints.some((taint) => taint.key === lifecycleKey)) {
    taints.push({ key: lifecycleKey, effect: 'NoSchedule' });
  }
  return taints;
}

/** Go's integer division on non-negative numbers. */
function div(a: number, b: number): number {
  return Math.floor(a / b);
}

/**
 * The simulated kube-scheduler (`default-scheduler`): binds pending pods to nodes with the
 * filter and score plugins of a default 1.35 profile that matter here (NodeUnschedulable,
 * TaintToleration, NodeAffinity, NodeResourcesFit with least-allocated and balanced scoring),
 * the same node sampling (`percentageOfNodesToScore`) and queue (1–10 s backoff, retries on
 * cluster events, a 5-minute flush), and the same status conditions, events and messages.
 * Per-node requested totals are kept incrementally; filter results that depend only on the
 * pod's constraints are cached per constraint signature, so 40,000 pods on 1,000 nodes stay
 * cheap.
 */
export class Scheduler {
  private readonly context: WorldContext;
  private readonly types: CoreTypes;
  private readonly pods: PodIndex;
  private readonly timers: TimerHeap;
  private readonly nodes = new Map<string, NodeInfo>();
  private nodeList: NodeInfo[] = [];
  private readonly assignments = new Map<string, Assignment>();
  private readonly queue = new Map<string, QueuedPod>();
  private readonly active = new Set<string>();
  private readonly unschedulable = new Set<QueuedPod>();
  /** Bumped on every change of a node's requested totals; guards the per-pass failure cache. */
  private capacityEpoch = 0;
  /** signature → per node index: undefined (not computed), '' (passes) or the reason. */
  private staticCache = new Map<string, (string | undefined)[]>();
  private nextStartNodeIndex = 0;
  private sequence = 0;
  private scheduled = false;
  private stopped = false;
  private readonly cleanups: (() => void)[] = [];

  constructor(context: WorldContext, types: CoreTypes, pods: PodIndex) {
    this.context = context;
    this.types = types;
    this.pods = pods;
    this.timers = new TimerHeap(context.clock);
    for (const record of context.api.store.list('/nodes')) this.upsertNode(record.object);
    for (const pod of pods.all()) this.observePod({ type: 'ADDED', pod, previous: undefined });
    this.cleanups.push(
      pods.onChange((change) => this.observePod(change)),
      context.api.store.subscribe('/nodes', (event) => this.observeNode(event)),
    );
    this.scheduleFlush();
  }

  /** Stops scheduling; pending pods stay Pending. */
  stop(): void {
    this.stopped = true;
    this.timers.stop();
    for (const cleanup of this.cleanups) cleanup();
  }

  // ---- cluster state ---------------------------------------------------------------------

  private observeNode(event: StoreEvent): void {
    const name = event.record.object.metadata?.name ?? '';
    if (event.type === 'DELETED') {
      this.nodes.delete(name);
      this.nodeList = this.nodeList.filter((node) => node.name !== name);
      this.nodeList.forEach((node, index) => {
        node.index = index;
      });
    } else if (!this.upsertNode(event.record.object)) {
      return; // a heartbeat or another change no filter reads
    }
    this.staticCache.clear();
    this.moveAllUnschedulable();
  }

  /** Adds or refreshes a node; returns whether anything the filters read changed. */
  private upsertNode(node: KubeObject): boolean {
    const name = node.metadata?.name ?? '';
    const existing = this.nodes.get(name);
    const taints = effectiveTaints(node);
    const unschedulable = Boolean(
      (node['spec'] as { unschedulable?: boolean } | undefined)?.unschedulable,
    );
    const allocatable = allocatableOf(node);
    const labels = node.metadata?.labels ?? {};
    const fingerprint = JSON.stringify([labels, taints, unschedulable, allocatable]);
    if (existing?.fingerprint === fingerprint) return false;
    const info: NodeInfo = existing ?? {
      name,
      index: this.nodeList.length,
      fingerprint,
      labels: {},
      taints: [],
      unschedulable: false,
      allocatable: {},
      requested: {},
      nonZeroCpu: 0,
      nonZeroMemory: 0,
      podCount: 0,
    };
    info.fingerprint = fingerprint;
    info.labels = labels;
    info.taints = taints;
    info.unschedulable = unschedulable;
    info.allocatable = allocatable;
    if (!existing) {
      this.nodes.set(name, info);
      this.nodeList.push(info);
      // Pods already bound to this name (restored state, or bound before the node appeared).
      for (const pod of this.pods.onNode(name)) {
        const uid = pod.metadata?.uid ?? '';
        const assignment = this.assignments.get(uid);
        if (assignment) this.addToNode(info, assignment, 1);
      }
    }
    return true;
  }

  private addToNode(node: NodeInfo, assignment: Assignment, sign: 1 | -1): void {
    for (const [resource, amount] of Object.entries(assignment.requests)) {
      node.requested[resource] = (node.requested[resource] ?? 0) + sign * amount;
    }
    node.nonZeroCpu += sign * assignment.cpu;
    node.nonZeroMemory += sign * assignment.memory;
    node.podCount += sign;
    this.capacityEpoch++;
  }

  private assume(uid: string, nodeName: string, spec: PodSpec): void {
    if (this.assignments.has(uid)) return;
    const nonZero = podNonZeroRequests(spec);
    const assignment: Assignment = {
      node: nodeName,
      requests: podRequests(spec),
      cpu: nonZero.cpu,
      memory: nonZero.memory,
    };
    this.assignments.set(uid, assignment);
    const node = this.nodes.get(nodeName);
    if (node) this.addToNode(node, assignment, 1);
  }

  private forget(uid: string): boolean {
    const assignment = this.assignments.get(uid);
    if (!assignment) return false;
    this.assignments.delete(uid);
    const node = this.nodes.get(assignment.node);
    if (node) this.addToNode(node, assignment, -1);
    this.moveAfterPodFreed(assignment.node);
    return true;
  }

  private observePod(change: PodChange): void {
    const { pod } = change;
    const uid = pod.metadata?.uid ?? '';
    const key = `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
    const spec = specOf(pod);
    if (change.type === 'DELETED') {
      this.forget(uid);
      this.dequeue(key);
      return;
    }
    if (spec.nodeName) {
      this.dequeue(key);
      // Terminal pods free their resources, as the scheduler cache drops them.
      if (isPodTerminal(pod)) this.forget(uid);
      else this.assume(uid, spec.nodeName, spec);
      return;
    }
    const wanted =
      (spec.schedulerName ?? defaultSchedulerName) === defaultSchedulerName &&
      !pod.metadata?.deletionTimestamp &&
      !isPodTerminal(pod);
    if (!wanted) {
      this.dequeue(key);
      return;
    }
    const queued = this.queue.get(key);
    if (!queued || queued.uid !== uid) {
      if (queued) this.dequeue(key);
      this.enqueue(key, pod);
      return;
    }
    // An update of the pod itself (not of its status) may make it schedulable.
    if (queued.spec !== pod['spec'] || change.previous?.metadata?.labels !== pod.metadata?.labels) {
      queued.spec = pod['spec'];
      queued.signature = signatureOf(spec);
      queued.priority = spec.priority ?? 0;
      if (queued.state === 'unschedulable' || queued.state === 'gated') this.moveToActive(queued);
    }
  }

  // ---- queue -----------------------------------------------------------------------------

  private enqueue(key: string, pod: KubeObject): void {
    const spec = specOf(pod);
    const queued: QueuedPod = {
      key,
      uid: pod.metadata?.uid ?? '',
      priority: spec.priority ?? 0,
      sequence: this.sequence++,
      attempts: 0,
      lastAttemptAt: 0,
      unschedulableAt: 0,
      resourceRejected: false,
      signature: signatureOf(spec),
      spec: pod['spec'],
      state: 'active',
    };
    this.queue.set(key, queued);
    this.activate(queued);
  }

  private dequeue(key: string): void {
    const queued = this.queue.get(key);
    if (!queued) return;
    queued.cancelBackoff?.();
    this.queue.delete(key);
    this.active.delete(key);
    this.unschedulable.delete(queued);
  }

  private markUnschedulable(queued: QueuedPod, now: number): void {
    queued.state = 'unschedulable';
    queued.unschedulableAt = now;
    this.unschedulable.add(queued);
  }

  private activate(queued: QueuedPod): void {
    this.unschedulable.delete(queued);
    queued.state = 'active';
    this.active.add(queued.key);
    this.scheduleDrain();
  }

  /** Back to the active queue, through backoff when its last attempt was too recent. */
  private moveToActive(queued: QueuedPod): void {
    if (queued.state === 'active' || queued.state === 'backoff') return;
    const backoff = Math.min(
      schedulerTimings.maxBackoffMs,
      schedulerTimings.initialBackoffMs * 2 ** Math.max(0, queued.attempts - 1),
    );
    const readyAt = queued.lastAttemptAt + backoff;
    if (queued.attempts === 0 || readyAt <= this.context.clock.now()) {
      this.activate(queued);
      return;
    }
    this.unschedulable.delete(queued);
    queued.state = 'backoff';
    queued.cancelBackoff = this.timers.at(readyAt, () => {
      queued.cancelBackoff = undefined;
      if (this.queue.get(queued.key) === queued && queued.state === 'backoff')
        this.activate(queued);
    });
  }

  private moveAllUnschedulable(): void {
    for (const queued of [...this.unschedulable]) this.moveToActive(queued);
  }

  /** Queueing hint for a pod that left a node: only pods that node rejected for resources. */
  private moveAfterPodFreed(nodeName: string): void {
    if (this.unschedulable.size === 0) return;
    const index = this.nodes.get(nodeName)?.index ?? -1;
    for (const queued of [...this.unschedulable]) {
      if (!queued.resourceRejected) continue;
      const statics = this.staticCache.get(queued.signature);
      if (index >= 0 && statics && statics[index] !== undefined && statics[index] !== '') continue;
      this.moveToActive(queued);
    }
  }

  private scheduleFlush(): void {
    this.timers.after(schedulerTimings.flushIntervalMs, () => {
      const now = this.context.clock.now();
      for (const queued of [...this.unschedulable]) {
        if (now - queued.unschedulableAt >= schedulerTimings.maxUnschedulableMs) {
          this.moveToActive(queued);
        }
      }
      this.scheduleFlush();
    });
  }

  private scheduleDrain(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  /** Schedules queued pods, highest priority first, then in arrival order. */
  private drain(): void {
    this.scheduled = false;
    if (this.stopped) return;
    const batch: QueuedPod[] = [];
    for (const key of this.active) {
      const queued = this.queue.get(key);
      if (queued) batch.push(queued);
    }
    batch.sort((a, b) => b.priority - a.priority || a.sequence - b.sequence);
    const now = batch.slice(0, batchSize);
    for (const queued of now) this.active.delete(queued.key);
    const failed = new Map<string, Failure>();
    for (const queued of now) {
      if (this.stopped) return;
      if (this.queue.get(queued.key) !== queued) continue;
      this.scheduleOne(queued, failed);
    }
    if (this.active.size > 0) this.scheduleDrain();
  }

  // ---- one scheduling cycle --------------------------------------------------------------

  private scheduleOne(queued: QueuedPod, failedThisPass: Map<string, Failure>): void {
    const record = this.context.api.store.get('/pods', queued.key);
    const pod = record?.object;
    if (!pod || pod.metadata?.uid !== queued.uid || specOf(pod).nodeName) {
      this.dequeue(queued.key);
      return;
    }
    const spec = specOf(pod);
    if ((spec.schedulingGates ?? []).length > 0) {
      queued.state = 'gated';
      this.unschedulable.delete(queued);
      this.setUnschedulableCondition(
        pod,
        'SchedulingGated',
        'Scheduling is blocked due to non-empty scheduling gates',
        false,
      );
      return;
    }
    const now = this.context.clock.now();
    queued.attempts++;
    queued.lastAttemptAt = now;

    const requests = podRequests(spec);
    const nonZero = podNonZeroRequests(spec);
    // Pods with the same constraints and requests fail alike until capacity changes.
    const requestKey = `${queued.signature}|${spec.preemptionPolicy ?? ''}|${JSON.stringify(requests)}`;
    const known = failedThisPass.get(requestKey);
    const result =
      known && known.epoch === this.capacityEpoch
        ? { node: undefined, ...known }
        : this.findNode(queued, spec, requests, nonZero);

    if (result.node) {
      if (this.bind(pod, result.node, spec)) {
        this.dequeue(queued.key);
        return;
      }
      this.markUnschedulable(queued, now);
      return;
    }
    failedThisPass.set(requestKey, {
      epoch: this.capacityEpoch,
      message: result.message,
      resourceRejected: result.resourceRejected,
    });
    this.markUnschedulable(queued, now);
    queued.resourceRejected = result.resourceRejected;
    this.setUnschedulableCondition(pod, 'Unschedulable', result.message, true);
  }

  private staticsFor(signature: string): (string | undefined)[] {
    let statics = this.staticCache.get(signature);
    if (!statics) {
      statics = new Array<string | undefined>(this.nodeList.length);
      this.staticCache.set(signature, statics);
    }
    return statics;
  }

  /** The first failing static filter on a node, or '' when the node passes them all. */
  private staticReason(spec: PodSpec, node: NodeInfo): string {
    const tolerations = spec.tolerations ?? [];
    if (
      node.unschedulable &&
      !tolerations.some((toleration) => toleratesTaint(toleration, unschedulableTaint))
    ) {
      return unschedulableReason;
    }
    if (findUntoleratedTaint(node.taints, tolerations)) return taintReason;
    if (!matchesNodeSelectorAndAffinity(spec, node.labels, node.name)) return affinityReason;
    return '';
  }

  /** NodeResourcesFit's filter: every insufficient resource, and whether preemption could help. */
  private resourceRejection(node: NodeInfo, requests: ResourceAmounts): NodeRejection | undefined {
    const reasons: string[] = [];
    let unresolvable = false;
    if (node.podCount + 1 > (node.allocatable['pods'] ?? 0)) reasons.push('Too many pods');
    for (const [resource, amount] of Object.entries(requests)) {
      if (amount <= 0 || resource === 'pods') continue;
      const allocatable = node.allocatable[resource] ?? 0;
      if (amount > allocatable - (node.requested[resource] ?? 0)) {
        reasons.push(`Insufficient ${resource}`);
        if (amount > allocatable) unresolvable = true;
      }
    }
    return reasons.length > 0 ? { reasons, unresolvable } : undefined;
  }

  private numFeasibleNodesToFind(total: number): number {
    if (total < 100) return total;
    const percentage = Math.max(5, 50 - Math.trunc(total / 125));
    return Math.max(100, Math.trunc((total * percentage) / 100));
  }

  private findNode(
    queued: QueuedPod,
    spec: PodSpec,
    requests: ResourceAmounts,
    nonZero: { cpu: number; memory: number },
  ): { node: string | undefined; message: string; resourceRejected: boolean } {
    const nodes = this.nodeList;
    const total = nodes.length;
    const wanted = this.numFeasibleNodesToFind(total);
    const statics = this.staticsFor(queued.signature);
    const feasible: NodeInfo[] = [];
    const rejections: NodeRejection[] = [];
    let resourceRejected = false;
    let processed = 0;
    for (let offset = 0; offset < total && feasible.length < wanted; offset++) {
      const index = (this.nextStartNodeIndex + offset) % total;
      const node = nodes[index] as NodeInfo;
      processed++;
      let reason = statics[index];
      if (reason === undefined) {
        reason = this.staticReason(spec, node);
        statics[index] = reason;
      }
      if (reason !== '') {
        rejections.push({ reasons: [reason], unresolvable: true });
        continue;
      }
      const rejection = this.resourceRejection(node, requests);
      if (rejection) {
        resourceRejected = true;
        rejections.push(rejection);
        continue;
      }
      feasible.push(node);
    }
    if (total > 0) this.nextStartNodeIndex = (this.nextStartNodeIndex + processed) % total;
    if (feasible.length === 0) {
      return {
        node: undefined,
        resourceRejected,
        message: fitErrorMessage({
          nodeCount: total,
          rejections,
          ...(spec.preemptionPolicy ? { preemptionPolicy: spec.preemptionPolicy } : {}),
        }),
      };
    }
    return { node: this.pickBest(feasible, spec, nonZero).name, message: '', resourceRejected };
  }

  /**
   * Scores the feasible nodes as the default profile's weights do (NodeResourcesFit
   * least-allocated ×1, NodeResourcesBalancedAllocation ×1, TaintToleration ×3, NodeAffinity
   * ×2) and takes the highest; ties go to the first node examined.
   */
  private pickBest(
    feasible: NodeInfo[],
    spec: PodSpec,
    nonZero: { cpu: number; memory: number },
  ): NodeInfo {
    const tolerations = spec.tolerations ?? [];
    const taintCounts = feasible.map((node) =>
      node.taints.length > 0 ? countIntolerablePreferNoSchedule(node.taints, tolerations) : 0,
    );
    const maxTaint = Math.max(0, ...taintCounts);
    const hasPreferred = Boolean(
      spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length,
    );
    const affinity = hasPreferred
      ? feasible.map((node) => preferredAffinityScore(spec, node.labels, node.name))
      : [];
    const maxAffinity = Math.max(0, ...affinity);
    let best = feasible[0] as NodeInfo;
    let bestScore = -1;
    feasible.forEach((node, index) => {
      const cpuCapacity = node.allocatable['cpu'] ?? 0;
      const memoryCapacity = node.allocatable['memory'] ?? 0;
      const cpuRequested = node.nonZeroCpu + nonZero.cpu;
      const memoryRequested = node.nonZeroMemory + nonZero.memory;
      const least = (requested: number, capacity: number): number =>
        capacity === 0 || requested > capacity ? 0 : div((capacity - requested) * 100, capacity);
      const leastAllocated = div(
        least(cpuRequested, cpuCapacity) + least(memoryRequested, memoryCapacity),
        2,
      );
      const cpuFraction = cpuCapacity > 0 ? Math.min(1, cpuRequested / cpuCapacity) : 1;
      const memoryFraction = memoryCapacity > 0 ? Math.min(1, memoryRequested / memoryCapacity) : 1;
      const balanced = Math.trunc((1 - Math.abs(cpuFraction - memoryFraction) / 2) * 100);
      const taint = maxTaint === 0 ? 100 : 100 - div(100 * (taintCounts[index] ?? 0), maxTaint);
      const preferred = maxAffinity === 0 ? 0 : div(100 * (affinity[index] ?? 0), maxAffinity);
      const score = leastAllocated + balanced + 3 * taint + 2 * preferred;
      if (score > bestScore) {
        bestScore = score;
        best = node;
      }
    });
    return best;
  }

  // ---- writes ----------------------------------------------------------------------------

  /** Binds as the binding subresource does, then reports PodScheduled=True and the event. */
  private bind(pod: KubeObject, nodeName: string, spec: PodSpec): boolean {
    const { api } = this.context;
    const namespace = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    const uid = pod.metadata?.uid ?? '';
    this.assume(uid, nodeName, spec);
    let bound: KubeObject;
    try {
      bound = api.update(this.types.pods, namespace, name, {
        ...pod,
        spec: { ...spec, nodeName },
      }).object;
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
      this.forget(uid);
      return false;
    }
    const condition: PodCondition = {
      type: 'PodScheduled',
      status: 'True',
      ...(bound.metadata?.generation ? { observedGeneration: bound.metadata.generation } : {}),
      lastProbeTime: null,
      lastTransitionTime: timeString(this.context.clock.now()),
    };
    const status = podStatusOf(bound);
    writeStatus(
      api,
      this.types.pods,
      namespace,
      name,
      { ...status, conditions: withCondition(status.conditions, condition) },
      uid,
    );
    this.context.events.record({
      regarding: bound,
      type: 'Normal',
      reason: 'Scheduled',
      action: 'Binding',
      note: `Successfully assigned ${namespace}/${name} to ${nodeName}`,
      reportingController: defaultSchedulerName,
    });
    return true;
  }

  private setUnschedulableCondition(
    pod: KubeObject,
    reason: string,
    message: string,
    event: boolean,
  ): void {
    const status = podStatusOf(pod);
    const existing = status.conditions?.find((condition) => condition.type === 'PodScheduled');
    if (
      existing?.status !== 'False' ||
      existing.reason !== reason ||
      existing.message !== message
    ) {
      const condition: PodCondition = {
        type: 'PodScheduled',
        status: 'False',
        ...(pod.metadata?.generation ? { observedGeneration: pod.metadata.generation } : {}),
        lastProbeTime: null,
        lastTransitionTime: timeString(this.context.clock.now()),
        reason,
        message,
      };
      writeStatus(
        this.context.api,
        this.types.pods,
        pod.metadata?.namespace,
        pod.metadata?.name ?? '',
        { ...status, conditions: withCondition(status.conditions, condition) },
        pod.metadata?.uid,
      );
    }
    if (event) {
      this.context.events.record({
        regarding: pod,
        type: 'Warning',
        reason: 'FailedScheduling',
        action: 'Scheduling',
        note: message,
        reportingController: defaultSchedulerName,
      });
    }
  }
}

/** The constraints that decide the static filters (taints, unschedulable, node affinity). */
function signatureOf(spec: PodSpec): string {
  return JSON.stringify([
    spec.nodeSelector ?? null,
    spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? null,
    spec.tolerations ?? null,
  ]);
}

/** Starts the simulated `default-scheduler` over the shared pod index. */
export function startScheduler(
  context: WorldContext,
  types: CoreTypes,
  pods: PodIndex,
): RunningController {
  const scheduler = new Scheduler(context, types, pods);
  return { stop: () => scheduler.stop() };
}
