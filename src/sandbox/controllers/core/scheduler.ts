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
import {
  addRejection,
  type FitDiagnosis,
  fitErrorMessage,
  type NodeRejection,
} from './fitErrorMessage.ts';
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
  /** Allocatable and requested amounts by interned resource id (see Scheduler.resourceId). */
  alloc: Float64Array;
  used: Float64Array;
  allocatablePods: number;
  cpuCapacity: number;
  memoryCapacity: number;
  hasPreferNoSchedule: boolean;
  nonZeroCpu: number;
  nonZeroMemory: number;
  podCount: number;
}

interface Assignment {
  node: string;
  requests: RequestList;
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

interface StaticFilter {
  /** Per node index: '' when the node passes, else the first failing static reason. */
  reasons: string[];
  /** Indexes of the nodes that pass, ascending. */
  passing: number[];
  counts: Map<string, number>;
  rejected: number;
}

/** First position in a sorted array whose value is at least `value`. */
function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
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

/** Least-allocated score of one resource (0–100), as NodeResourcesFit computes it. */
function leastScore(requested: number, capacity: number): number {
  return capacity === 0 || requested > capacity ? 0 : div((capacity - requested) * 100, capacity);
}

/** A pod's positive requests as parallel arrays (interned ids), for allocation-free fit checks. */
interface RequestList {
  names: string[];
  ids: number[];
  amounts: number[];
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
  /** Static filter results per constraint signature (cleared when nodes change). */
  private staticCache = new Map<string, StaticFilter>();
  /**
   * Per signature and requested extended resources: the statically passing nodes that have
   * those resources at all (others can never fit). Cleared with {@link staticCache}.
   */
  private candidateCache = new Map<string, number[]>();
  private nextStartNodeIndex = 0;
  private sequence = 0;
  private scheduled = false;
  private stopped = false;
  private readonly cleanups: (() => void)[] = [];
  private readonly resourceIds = new Map<string, number>();
  /** Length of the nodes' alloc/used arrays; doubles when more resource names appear. */
  private resourceSlots = 16;
  /** Active pods with a priority other than 0 (when none, the queue is plain FIFO). */
  private prioritizedActive = 0;

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

  /** A small integer per resource name, so fit checks index arrays instead of hashing names. */
  private resourceId(resource: string): number {
    let id = this.resourceIds.get(resource);
    if (id === undefined) {
      id = this.resourceIds.size;
      this.resourceIds.set(resource, id);
      if (id >= this.resourceSlots) {
        // Grow every node's typed arrays (a new extended resource; rare).
        this.resourceSlots *= 2;
        for (const node of this.nodeList) {
          const alloc = new Float64Array(this.resourceSlots);
          alloc.set(node.alloc);
          node.alloc = alloc;
          const used = new Float64Array(this.resourceSlots);
          used.set(node.used);
          node.used = used;
        }
      }
    }
    return id;
  }

  private requestListOf(requests: ResourceAmounts): RequestList {
    const names: string[] = [];
    const ids: number[] = [];
    const amounts: number[] = [];
    for (const [resource, amount] of Object.entries(requests)) {
      if (amount <= 0 || resource === 'pods') continue;
      names.push(resource);
      ids.push(this.resourceId(resource));
      amounts.push(amount);
    }
    return { names, ids, amounts };
  }

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
    this.candidateCache.clear();
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
      alloc: new Float64Array(this.resourceSlots),
      used: new Float64Array(this.resourceSlots),
      allocatablePods: 0,
      cpuCapacity: 0,
      memoryCapacity: 0,
      hasPreferNoSchedule: false,
      nonZeroCpu: 0,
      nonZeroMemory: 0,
      podCount: 0,
    };
    info.fingerprint = fingerprint;
    info.labels = labels;
    info.taints = taints;
    info.unschedulable = unschedulable;
    info.allocatable = allocatable;
    for (const resource of Object.keys(allocatable)) this.resourceId(resource);
    info.alloc = new Float64Array(this.resourceSlots);
    for (const [resource, amount] of Object.entries(allocatable)) {
      info.alloc[this.resourceId(resource)] = amount;
    }
    if (info.used.length < this.resourceSlots) {
      const used = new Float64Array(this.resourceSlots);
      used.set(info.used);
      info.used = used;
    }
    info.allocatablePods = allocatable['pods'] ?? 0;
    info.cpuCapacity = allocatable['cpu'] ?? 0;
    info.memoryCapacity = allocatable['memory'] ?? 0;
    info.hasPreferNoSchedule = taints.some((taint) => taint.effect === 'PreferNoSchedule');
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
    const { ids, amounts } = assignment.requests;
    for (let index = 0; index < ids.length; index++) {
      const id = ids[index] as number;
      node.used[id] = (node.used[id] as number) + sign * (amounts[index] as number);
    }
    node.nonZeroCpu += sign * assignment.cpu;
    node.nonZeroMemory += sign * assignment.memory;
    node.podCount += sign;
    this.capacityEpoch++;
  }

  private assume(
    uid: string,
    nodeName: string,
    spec: PodSpec,
    computed?: { requests: RequestList; nonZero: { cpu: number; memory: number } },
  ): void {
    if (this.assignments.has(uid)) return;
    const nonZero = computed?.nonZero ?? podNonZeroRequests(spec);
    const assignment: Assignment = {
      node: nodeName,
      requests: computed?.requests ?? this.requestListOf(podRequests(spec)),
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
    const { pod, previous } = change;
    // Status writes of a bound pod matter only when it turns terminal.
    if (
      change.type === 'MODIFIED' &&
      previous &&
      previous['spec'] === pod['spec'] &&
      previous.metadata?.labels === pod.metadata?.labels &&
      previous.metadata?.deletionTimestamp === pod.metadata?.deletionTimestamp &&
      specOf(pod).nodeName &&
      isPodTerminal(previous) === isPodTerminal(pod)
    ) {
      return;
    }
    const uid = pod.metadata?.uid ?? '';
    const key = `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
    const spec = specOf(pod);
    if (change.type === 'DELETED') {
      this.forget(uid);
      this.dequeue(key);
      return;
    }
    if (spec.nodeName) {
      if (this.queue.has(key)) this.dequeue(key);
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
      if (this.active.has(queued.key)) {
        this.prioritizedActive +=
          Number((spec.priority ?? 0) !== 0) - Number(queued.priority !== 0);
      }
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
    this.deactivate(queued);
    this.unschedulable.delete(queued);
  }

  private deactivate(queued: QueuedPod): void {
    if (this.active.delete(queued.key) && queued.priority !== 0) this.prioritizedActive--;
  }

  private markUnschedulable(queued: QueuedPod, now: number): void {
    queued.state = 'unschedulable';
    queued.unschedulableAt = now;
    this.unschedulable.add(queued);
  }

  private activate(queued: QueuedPod): void {
    this.unschedulable.delete(queued);
    queued.state = 'active';
    if (!this.active.has(queued.key)) {
      this.active.add(queued.key);
      if (queued.priority !== 0) this.prioritizedActive++;
    }
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
      if (index >= 0 && statics && statics.reasons[index] !== '') continue;
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
    let batch: QueuedPod[] = [];
    if (this.prioritizedActive === 0) {
      // All priorities equal: the active set's insertion order is the queue order.
      for (const key of this.active) {
        const queued = this.queue.get(key);
        if (queued) batch.push(queued);
        if (batch.length >= batchSize) break;
      }
    } else {
      for (const key of this.active) {
        const queued = this.queue.get(key);
        if (queued) batch.push(queued);
      }
      batch.sort((a, b) => b.priority - a.priority || a.sequence - b.sequence);
      batch = batch.slice(0, batchSize);
    }
    for (const queued of batch) this.deactivate(queued);
    const failed = new Map<string, Failure>();
    for (const queued of batch) {
      if (this.stopped) return;
      if (this.queue.get(queued.key) !== queued) continue;
      try {
        this.scheduleOne(queued, failed);
      } catch (error) {
        // Retried like any failed attempt; a bug must not stop the scheduler.
        process.emitWarning(
          `default-scheduler failed on ${queued.key}: ${String((error as Error).stack ?? error)}`,
        );
        this.markUnschedulable(queued, this.context.clock.now());
      }
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
    const requestList = this.requestListOf(requests);
    const nonZero = podNonZeroRequests(spec);
    // Pods with the same constraints and requests fail alike until capacity changes.
    const requestKey = `${queued.signature}|${spec.preemptionPolicy ?? ''}|${JSON.stringify(requests)}`;
    const known = failedThisPass.get(requestKey);
    const result =
      known && known.epoch === this.capacityEpoch
        ? { node: undefined, ...known }
        : this.findNode(queued, spec, requestList, nonZero);

    if (result.node) {
      if (this.bind(pod, result.node, spec, { requests: requestList, nonZero })) {
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

  /**
   * The static filter results of a constraint signature over all nodes: which nodes pass (in
   * node order) and how many each static reason rejected. Recomputed after node changes.
   */
  private staticsFor(signature: string, spec: PodSpec): StaticFilter {
    const cached = this.staticCache.get(signature);
    if (cached) return cached;
    const statics: StaticFilter = { reasons: [], passing: [], counts: new Map(), rejected: 0 };
    this.nodeList.forEach((node, index) => {
      const reason = this.staticReason(spec, node);
      statics.reasons[index] = reason;
      if (reason === '') {
        statics.passing.push(index);
      } else {
        statics.counts.set(reason, (statics.counts.get(reason) ?? 0) + 1);
        statics.rejected++;
      }
    });
    this.staticCache.set(signature, statics);
    return statics;
  }

  /** The passing nodes that offer every extended resource the pod requests. */
  private candidatesFor(signature: string, statics: StaticFilter, requests: RequestList): number[] {
    const extended: number[] = [];
    for (let index = 0; index < requests.names.length; index++) {
      const name = requests.names[index] as string;
      if (name !== 'cpu' && name !== 'memory' && name !== 'ephemeral-storage') {
        extended.push(requests.ids[index] as number);
      }
    }
    if (extended.length === 0) return statics.passing;
    const key = `${signature}|${extended.join(',')}`;
    let candidates = this.candidateCache.get(key);
    if (!candidates) {
      candidates = statics.passing.filter((index) =>
        extended.every((id) => ((this.nodeList[index] as NodeInfo).alloc[id] as number) > 0),
      );
      this.candidateCache.set(key, candidates);
    }
    return candidates;
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
  private resourceRejection(node: NodeInfo, requests: RequestList): NodeRejection | undefined {
    const reasons: string[] = [];
    let unresolvable = false;
    if (node.podCount + 1 > node.allocatablePods) reasons.push('Too many pods');
    for (let index = 0; index < requests.names.length; index++) {
      const resource = requests.names[index] as string;
      const id = requests.ids[index] as number;
      const amount = requests.amounts[index] as number;
      const allocatable = node.alloc[id] as number;
      if (amount > allocatable - (node.used[id] as number)) {
        reasons.push(`Insufficient ${resource}`);
        if (amount > allocatable) unresolvable = true;
      }
    }
    return reasons.length > 0 ? { reasons, unresolvable } : undefined;
  }

  /** The same filter without diagnostics, allocation-free for the common case. */
  private fits(node: NodeInfo, requests: RequestList): boolean {
    if (node.podCount + 1 > node.allocatablePods) return false;
    const { ids, amounts } = requests;
    for (let index = 0; index < ids.length; index++) {
      const id = ids[index] as number;
      if ((amounts[index] as number) > (node.alloc[id] as number) - (node.used[id] as number))
        return false;
    }
    return true;
  }

  private numFeasibleNodesToFind(total: number): number {
    if (total < 100) return total;
    const percentage = Math.max(5, 50 - Math.trunc(total / 125));
    return Math.max(100, Math.trunc((total * percentage) / 100));
  }

  private findNode(
    queued: QueuedPod,
    spec: PodSpec,
    requests: RequestList,
    nonZero: { cpu: number; memory: number },
  ): { node: string | undefined; message: string; resourceRejected: boolean } {
    const nodes = this.nodeList;
    const total = nodes.length;
    const wanted = this.numFeasibleNodesToFind(total);
    const statics = this.staticsFor(queued.signature, spec);
    const passing = this.candidatesFor(queued.signature, statics, requests);
    const start = this.nextStartNodeIndex;
    const feasible: NodeInfo[] = [];
    // Walk the nodes from the rotating start index, as findNodesThatPassFilters does; nodes
    // the static filters reject are skipped without work.
    let position = lowerBound(passing, start);
    if (position >= passing.length) position = 0;
    let last = -1;
    for (let step = 0; step < passing.length && feasible.length < wanted; step++) {
      const index = passing[position] as number;
      position = position + 1 === passing.length ? 0 : position + 1;
      const node = nodes[index] as NodeInfo;
      if (this.fits(node, requests)) feasible.push(node);
      last = index;
    }
    const processed =
      feasible.length >= wanted && last >= 0 ? ((last - start + total) % total) + 1 : total;
    if (total > 0) this.nextStartNodeIndex = (start + processed) % total;
    if (feasible.length > 0) {
      return {
        node: this.pickBest(feasible, spec, nonZero).name,
        message: '',
        resourceRejected: false,
      };
    }
    // No node fits: say why for each node, the static reasons counted once per signature.
    const diagnosis: FitDiagnosis = {
      reasons: new Map(statics.counts),
      notHelpful: statics.rejected,
      noVictims: 0,
    };
    for (const index of statics.passing) {
      const rejection = this.resourceRejection(nodes[index] as NodeInfo, requests);
      if (rejection) addRejection(diagnosis, rejection);
    }
    return {
      node: undefined,
      resourceRejected: statics.passing.length > 0,
      message: fitErrorMessage({
        nodeCount: total,
        diagnosis,
        ...(spec.preemptionPolicy ? { preemptionPolicy: spec.preemptionPolicy } : {}),
      }),
    };
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
    let taintCounts: number[] | undefined;
    let maxTaint = 0;
    if (feasible.some((node) => node.hasPreferNoSchedule)) {
      taintCounts = feasible.map((node) =>
        node.hasPreferNoSchedule ? countIntolerablePreferNoSchedule(node.taints, tolerations) : 0,
      );
      maxTaint = Math.max(0, ...taintCounts);
    }
    let affinity: number[] | undefined;
    let maxAffinity = 0;
    if (spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length) {
      affinity = feasible.map((node) => preferredAffinityScore(spec, node.labels, node.name));
      maxAffinity = Math.max(0, ...affinity);
    }
    let best = feasible[0] as NodeInfo;
    let bestScore = -1;
    for (let index = 0; index < feasible.length; index++) {
      const node = feasible[index] as NodeInfo;
      const cpuRequested = node.nonZeroCpu + nonZero.cpu;
      const memoryRequested = node.nonZeroMemory + nonZero.memory;
      const leastAllocated = div(
        leastScore(cpuRequested, node.cpuCapacity) +
          leastScore(memoryRequested, node.memoryCapacity),
        2,
      );
      const cpuFraction = node.cpuCapacity > 0 ? Math.min(1, cpuRequested / node.cpuCapacity) : 1;
      const memoryFraction =
        node.memoryCapacity > 0 ? Math.min(1, memoryRequested / node.memoryCapacity) : 1;
      const balanced = Math.trunc((1 - Math.abs(cpuFraction - memoryFraction) / 2) * 100);
      const taint = maxTaint === 0 ? 100 : 100 - div(100 * (taintCounts?.[index] ?? 0), maxTaint);
      const preferred = maxAffinity === 0 ? 0 : div(100 * (affinity?.[index] ?? 0), maxAffinity);
      const score = leastAllocated + balanced + 3 * taint + 2 * preferred;
      if (score > bestScore) {
        bestScore = score;
        best = node;
      }
    }
    return best;
  }

  // ---- writes ----------------------------------------------------------------------------

  /** Binds as the binding subresource does, then reports PodScheduled=True and the event. */
  private bind(
    pod: KubeObject,
    nodeName: string,
    spec: PodSpec,
    computed: { requests: RequestList; nonZero: { cpu: number; memory: number } },
  ): boolean {
    const { api } = this.context;
    const namespace = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    const uid = pod.metadata?.uid ?? '';
    this.assume(uid, nodeName, spec, computed);
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
