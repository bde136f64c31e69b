import type {
  KubeEventResource,
  NodeResource,
  PodResource,
  ResourceQuotaResource,
} from '../k8s/kubeTypes.ts';
import { formatQuantity, parseQuantity } from '../k8s/quantity.ts';
import { productsName } from './clusterGpuDemand.ts';
import type { GpuHolder, GpuInventory } from './gpuInventory.ts';
import { gpuInventory } from './gpuInventory.ts';
import type { PodGpuRequest } from './gpuRequestOfPodSpec.ts';
import { gpuProductLabels, gpuRequestOfPodSpec, isGpuResourceName } from './gpuRequestOfPodSpec.ts';
import type { NormalizedEvent } from './normalizeEvent.ts';
import { eventRegards, normalizeEvent } from './normalizeEvent.ts';
import type { SchedulingFailure } from './parseFailedScheduling.ts';
import { parseFailedScheduling } from './parseFailedScheduling.ts';
import type { QuotaRejection } from './parseQuotaRejection.ts';
import { parseQuotaRejection } from './parseQuotaRejection.ts';
import type { PodState } from './podState.ts';
import { podState } from './podState.ts';
import type { RayClusterGroup } from './rayClusterGroups.ts';
import {
  groupOfPodName,
  isPodOfCluster,
  isPodOfGroup,
  rayClusterGroups,
} from './rayClusterGroups.ts';
import type { RayClusterResource } from './rayTypes.ts';
import { RayClusterConditionType } from './rayTypes.ts';

/** Where a cause was read from. */
export type CauseSource =
  'scheduler' | 'quota' | 'image' | 'crash' | 'operator' | 'spec' | 'condition';

/** One reason a group is not (fully) ready, as a plain-English clause. */
export interface ExplainCause {
  source: CauseSource;
  /** A clause without final period, e.g. `no node has a free NVIDIA A100 (4 in use by …)`. */
  message: string;
  /** The Kubernetes text it was read from, for a tooltip or `-o wide`. */
  detail?: string;
}

/** How a group is doing: all wanted pods ready, on the way, stuck on capacity/quota, broken. */
export type GroupState = 'ok' | 'waiting' | 'blocked' | 'failing';

/** The explanation of one group (head or worker group) of a RayCluster. */
export interface GroupExplanation {
  /** `headgroup` or the worker `groupName`. */
  group: string;
  kind: 'head' | 'worker';
  /** Pods wanted now (0 when suspended). */
  desired: number;
  /** Pods Running and Ready. */
  ready: number;
  /** Pods that exist, are neither ready nor failing: unschedulable or starting. */
  pending: number;
  /** Pods in a terminal failure (image, crash, config, phase Failed). */
  failing: number;
  /** Wanted pods that do not exist (not created yet, or rejected). */
  notCreated: number;
  state: GroupState;
  /** One plain-English sentence. */
  summary: string;
  causes: ExplainCause[];
}

/** Everything `explainCluster` reads. */
export interface ExplainClusterInput {
  cluster: RayClusterResource;
  /** Pods of the cluster's namespace (or just the cluster's; others are filtered out). */
  pods: readonly PodResource[];
  /** Events of the namespace, in either API shape. */
  events: readonly KubeEventResource[];
  /** ResourceQuotas of the cluster's namespace. */
  quotas: readonly ResourceQuotaResource[];
  nodes: readonly NodeResource[];
  /** Pods of all namespaces, to say who holds the GPUs; defaults to `pods`. */
  allPods?: readonly PodResource[];
  /** `namespace/cluster` → owner to name next to holders, e.g. `{ 'team-a/train-big': 'alice' }`. */
  clusterOwners?: Readonly<Record<string, string>>;
}

const createFailureReasons = new Set([
  'FailedToCreateWorkerPod',
  'FailedToCreateHeadPod',
  'FailedCreate',
]);
const specReasons = new Set(['InvalidRayClusterSpec', 'InvalidRayClusterMetadata']);
/** Operator warnings read elsewhere, or not about the cluster's health. */
const handledOperatorReasons = new Set([...createFailureReasons, ...specReasons]);

function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}

function latestFirst(a: NormalizedEvent, b: NormalizedEvent): number {
  return (b.lastTime ?? '').localeCompare(a.lastTime ?? '');
}

/** Context shared by every group of one explanation. */
interface Context {
  cluster: RayClusterResource;
  namespace: string;
  groups: RayClusterGroup[];
  clusterEvents: NormalizedEvent[];
  podEvents: NormalizedEvent[];
  quotas: readonly ResourceQuotaResource[];
  nodes: readonly NodeResource[];
  inventory: GpuInventory;
  owners: Readonly<Record<string, string>>;
}

// ---------------------------------------------------------------------------------------------
// Scheduler

function holdersText(
  holders: readonly GpuHolder[],
  owners: Readonly<Record<string, string>>,
): string {
  const byOwner = new Map<string, number>();
  for (const holder of holders) {
    const key = `${holder.namespace}/${holder.cluster ?? holder.pod}`;
    byOwner.set(key, (byOwner.get(key) ?? 0) + holder.gpus);
  }
  const ranked = [...byOwner.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const named = ranked.slice(0, 2).map(([key, gpus], index) => {
    const owner = owners[key] ? ` (${owners[key]})` : '';
    return index === 0 ? `${gpus} in use by ${key}${owner}` : `${gpus} by ${key}${owner}`;
  });
  const others = ranked.length - named.length;
  return others > 0 ? `${named.join(', ')} and ${plural(others, 'other')}` : named.join(', ');
}

function gpuShortage(resource: string, request: PodGpuRequest, context: Context): string {
  const name = productsName(request.products);
  const matching = context.inventory.nodes.filter(
    (node) =>
      node.resource === resource &&
      (request.products.length === 0 || request.products.includes(node.product)),
  );
  if (matching.length === 0) {
    return name === 'GPU' ? `no node offers GPUs (${resource})` : `no node offers ${name} GPUs`;
  }
  const schedulable = matching.filter((node) => node.schedulable);
  const free = schedulable.reduce((sum, node) => sum + node.free, 0);
  const holders = matching.flatMap((node) => node.holders);
  const held = holders.length > 0 ? holdersText(holders, context.owners) : '';
  const need = request.resources[resource] ?? 1;
  if (free === 0) {
    return `no node has a free ${name}${held ? ` (${held})` : ''}`;
  }
  const bestNode = Math.max(...schedulable.map((node) => node.free));
  if (bestNode < need) {
    return `no ${name} node has ${need} free at once (${free} free in total${held ? `; ${held}` : ''})`;
  }
  return `not enough free ${name}s when last tried (${free} free now)`;
}

function selectorText(request: PodGpuRequest, group: RayClusterGroup): string {
  const selector = group.template.spec.nodeSelector ?? {};
  const pairs = Object.entries(selector).map(([key, value]) => `${key}=${value}`);
  if (pairs.length > 0) return pairs.join(', ');
  return request.products.length > 0
    ? `${gpuProductLabels[0]} in ${request.products.join(', ')}`
    : '';
}

function schedulerCauses(
  failure: SchedulingFailure,
  request: PodGpuRequest,
  group: RayClusterGroup,
  context: Context,
): string[] {
  if (failure.totalNodes === 0) return ['the cluster has no nodes'];
  const phrases: string[] = [];
  if (failure.preFilter) phrases.push(failure.preFilter);
  for (const reason of failure.reasons) {
    const nodes = plural(reason.count, 'node');
    switch (reason.kind) {
      case 'insufficient': {
        const resource = reason.resource ?? '';
        if (isGpuResourceName(resource)) phrases.push(gpuShortage(resource, request, context));
        else if (resource === 'cpu') phrases.push(`not enough free CPU on ${nodes}`);
        else if (resource === 'memory') phrases.push(`not enough free memory on ${nodes}`);
        else phrases.push(`not enough ${resource} on ${nodes}`);
        break;
      }
      case 'taint': {
        const key = reason.taint?.key;
        const tainted = context.nodes
          .filter((node) => (node.spec?.taints ?? []).some((taint) => !key || taint.key === key))
          .map((node) => node.metadata.name ?? '');
        const which =
          tainted.length === reason.count && tainted.length <= 2 ? tainted.join(' and ') : nodes;
        const taint = reason.taint
          ? ` ${reason.taint.key}${reason.taint.value ? `=${reason.taint.value}` : ''}`
          : '';
        phrases.push(
          `${which} ${reason.count === 1 ? 'has a taint' : 'have taints'}${taint} the pods do not tolerate`,
        );
        break;
      }
      case 'selector':
        // Nodes filtered out by the pod's own selector are expected; only "none match" matters.
        if (reason.count >= failure.totalNodes) {
          const offered = context.inventory.nodes.some((node) =>
            request.products.includes(node.product),
          );
          if (request.products.length > 0 && !offered) {
            phrases.push(`no node offers ${productsName(request.products)} GPUs`);
            break;
          }
          const selector = selectorText(request, group);
          phrases.push(
            `no node matches the pods' node selector${selector ? ` (${selector})` : ''}`,
          );
        }
        break;
      case 'unschedulable':
        phrases.push(`${nodes} ${reason.count === 1 ? 'is' : 'are'} cordoned`);
        break;
      case 'tooManyPods':
        phrases.push(`${nodes} ${reason.count === 1 ? 'is' : 'are'} at their pod limit`);
        break;
      default:
        phrases.push(`${reason.count} ${reason.text}`);
    }
  }
  return [...new Set(phrases)];
}

// ---------------------------------------------------------------------------------------------
// Quota

function quotaAmount(key: string, value: number): string {
  const resource = key.replace(/^(?:requests|limits)\./, '');
  if (isGpuResourceName(resource)) return plural(value, 'GPU');
  if (resource === 'cpu') return plural(value, 'CPU');
  if (resource === 'memory' || resource === 'ephemeral-storage') {
    return `${formatQuantity(value, 'memory')} of ${resource === 'memory' ? 'memory' : 'ephemeral storage'}`;
  }
  if (key === 'pods' || key === 'count/pods') return plural(value, 'pod');
  return `${key}=${formatQuantity(value, 'count')}`;
}

function quotaUsed(key: string, value: number): string {
  const resource = key.replace(/^(?:requests|limits)\./, '');
  return resource === 'memory' || resource === 'ephemeral-storage'
    ? formatQuantity(value, 'memory')
    : formatQuantity(value, 'count');
}

function quotaCause(rejection: QuotaRejection, context: Context): string {
  const owner = `${context.namespace}'s quota`;
  if (rejection.kind === 'mustSpecify') {
    const missing = rejection.missing.map((entry) => entry.resource).join(', ');
    const containers = [...new Set(rejection.missing.flatMap((entry) => entry.containers))];
    return `${owner} ${rejection.quota} requires every pod to set ${missing}${containers.length > 0 ? ` (missing in ${containers.join(', ')})` : ''}`;
  }
  const current = context.quotas.find((quota) => quota.metadata.name === rejection.quota);
  const parts = Object.entries(rejection.limited).map(([key, limitedText]) => {
    const hardText = current?.status?.hard?.[key] ?? current?.spec?.hard?.[key] ?? limitedText;
    const usedText = current?.status?.used?.[key] ?? rejection.used[key] ?? '0';
    const hard = parseQuantity(hardText);
    const used = parseQuantity(usedText);
    const requested = parseQuantity(rejection.requested[key] ?? '0');
    const need = used < hard ? `, a pod needs ${quotaUsed(key, requested)}` : '';
    return `allows ${quotaAmount(key, hard)}, ${quotaUsed(key, used)} used${need}`;
  });
  return `${owner} ${parts.join(' and ')}`;
}

// ---------------------------------------------------------------------------------------------
// Pod failures

function imageProblem(message: string): string {
  if (/not found|manifest unknown|NotFound/i.test(message)) return ': not found';
  if (/unauthorized|denied|authentication required|forbidden/i.test(message))
    return ': access denied';
  if (/invalid reference format|InvalidImageName/i.test(message)) return ': invalid name';
  if (/timeout|i\/o timeout|connection refused|no such host/i.test(message)) {
    return ': registry unreachable';
  }
  return '';
}

function failureCauses(states: readonly PodState[]): ExplainCause[] {
  const causes = new Map<string, ExplainCause>();
  const counts = new Map<string, number>();
  for (const state of states) {
    const failure = state.failure;
    if (!failure) continue;
    let key: string;
    let cause: ExplainCause;
    switch (failure.kind) {
      case 'image':
        key = `image:${failure.image ?? ''}`;
        cause = {
          source: 'image',
          message: `image ${failure.image ?? '(unknown)'} cannot be pulled (${failure.reason}${imageProblem(failure.message)})`,
          detail: failure.message,
        };
        break;
      case 'crash': {
        key = `crash:${failure.container ?? ''}`;
        const last =
          failure.lastExitCode === undefined
            ? ''
            : `, last exit ${failure.lastReason && failure.lastReason !== 'Error' ? `${failure.lastReason}, code ` : 'code '}${failure.lastExitCode}`;
        cause = {
          source: 'crash',
          message: `container ${failure.container ?? ''} keeps crashing (${plural(failure.restartCount, 'restart')}${last})`,
          detail: failure.message,
        };
        break;
      }
      case 'config':
        key = `config:${failure.container ?? ''}:${failure.message}`;
        cause = {
          source: 'spec',
          message: `container ${failure.container ?? ''} cannot start: ${failure.message || failure.reason}`,
          detail: failure.reason,
        };
        break;
      case 'failed':
        key = `failed:${failure.reason}`;
        cause = {
          source: 'crash',
          message: `pod ${state.name} failed (${failure.reason}${failure.message ? `: ${failure.message}` : ''})`,
        };
        break;
    }
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (!causes.has(key)) causes.set(key, cause);
  }
  return [...causes.entries()].map(([key, cause]) => {
    const count = counts.get(key) ?? 1;
    return count > 1 && cause.source === 'crash'
      ? { ...cause, message: `${cause.message} on ${count} pods` }
      : cause;
  });
}

// ---------------------------------------------------------------------------------------------
// Operator and spec

/** The Kubernetes error inside a KubeRay create-failure event or ReplicaFailure message. */
function operatorError(text: string): string {
  const withoutMarker = text.replace(/^Failed(?:Create|Delete)\w*\n/, '');
  const afterCluster = /^Failed to create (?:worker|head) Pod [^,]*, ([\s\S]*)$/.exec(
    withoutMarker,
  );
  return (afterCluster?.[1] ?? withoutMarker).trim();
}

/** Which groups a create failure is about: by the pod name in the error, else by kind. */
function groupsOfCreateFailure(
  text: string,
  head: boolean,
  context: Context,
  notCreated: ReadonlyMap<string, number>,
): RayClusterGroup[] {
  const podName = /pods? "([^"]+)"/.exec(text)?.[1] ?? /Pod [^/\s]+\/([^,\s]+)/.exec(text)?.[1];
  const byName = podName ? groupOfPodName(podName, context.groups) : undefined;
  if (byName) return [byName];
  return context.groups.filter(
    (group) => (group.kind === 'head') === head && (notCreated.get(group.name) ?? 0) > 0,
  );
}

function specCauses(context: Context): ExplainCause[] {
  const generation = context.cluster.metadata.generation ?? 1;
  const observed = context.cluster.status?.observedGeneration;
  // The operator stops before updating status on an invalid spec, so the events are current
  // only while the status has not caught up with the latest generation.
  if (observed !== undefined && observed >= generation) return [];
  // KubeRay also uses InvalidRayClusterSpec for warnings it reconciles through
  // ("RayCluster spec warning ns/name: …"); only rejections ("… is invalid …") stop it.
  const latest = context.clusterEvents
    .filter((event) => specReasons.has(event.reason) && / is invalid /.test(event.message))
    .sort(latestFirst)[0];
  if (!latest) return [];
  const message = latest.message.replace(
    /^The RayCluster (?:spec|metadata) is invalid [^:]*: /,
    '',
  );
  return [
    {
      source: 'spec',
      message: `the operator rejected the spec: ${message}`,
      detail: latest.message,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Summary

function mostCommon(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

function summaryOf(
  group: RayClusterGroup,
  counts: {
    ready: number;
    unscheduled: number;
    starting: number;
    failing: number;
    notCreated: number;
    terminating: number;
  },
  state: GroupState,
  causes: readonly ExplainCause[],
  progress: string | undefined,
  context: Context,
): string {
  const clauses = causes.map((cause) => cause.message).join('; ');
  const { cluster } = context;
  if (cluster.metadata.deletionTimestamp) {
    return `Cluster is being deleted${counts.terminating > 0 ? `; ${plural(counts.terminating, 'pod')} still terminating` : ''}.`;
  }
  if (group.kind === 'head') {
    if (group.desired === 0) {
      if (!cluster.spec.suspend) return 'No head pod wanted.';
      return counts.terminating > 0
        ? 'Head pod stopping: the cluster is being suspended.'
        : 'Head pod stopped: the cluster is suspended.';
    }
    if (state === 'ok') return 'Head pod ready.';
    const exists = counts.unscheduled + counts.starting + counts.failing > 0;
    if (state === 'failing') return `Head pod ${exists ? 'failing' : 'not created'}: ${clauses}.`;
    if (state === 'blocked') {
      return `Head pod ${exists ? 'pending' : 'not created'}: ${clauses}.`;
    }
    return exists ? `Head pod starting: ${progress ?? 'starting'}.` : 'Head pod not created yet.';
  }
  if (group.desired === 0) {
    if (cluster.spec.suspend) {
      return counts.terminating > 0
        ? `No workers: the cluster is being suspended; ${plural(counts.terminating, 'pod')} still terminating.`
        : 'No workers: the cluster is suspended.';
    }
    return 'No workers wanted (replicas 0).';
  }
  const head = `${counts.ready} of ${plural(group.desired, 'worker')} ready`;
  if (state === 'ok') return `${head}.`;
  const breakdown = [
    counts.unscheduled > 0 ? `${counts.unscheduled} pending` : '',
    counts.starting > 0 ? `${counts.starting} starting` : '',
    counts.failing > 0 ? `${counts.failing} failing` : '',
    counts.notCreated > 0 ? `${counts.notCreated} not created` : '',
  ].filter(Boolean);
  const detail =
    clauses ||
    (state === 'waiting' ? (progress ?? (counts.notCreated > 0 ? 'not created yet' : '')) : '');
  return `${head}${breakdown.length > 0 ? ` (${breakdown.join(', ')})` : ''}${detail ? `: ${detail}` : ''}.`;
}

// ---------------------------------------------------------------------------------------------

function explainGroup(
  group: RayClusterGroup,
  pods: readonly PodResource[],
  context: Context,
  createCauses: ReadonlyMap<string, ExplainCause[]>,
  spec: readonly ExplainCause[],
): GroupExplanation {
  const groupPods = pods.filter((pod) => isPodOfGroup(pod, group));
  const live = groupPods.filter((pod) => !pod.metadata.deletionTimestamp);
  const states = live.map(podState);
  const ready = states.filter((state) => state.ready).length;
  const failingStates = states.filter((state) => !state.ready && state.failure);
  const waitingStates = states.filter((state) => !state.ready && !state.failure);
  const request = gpuRequestOfPodSpec(group.template.spec);

  // Unschedulable pods: the pod condition's message, else the latest FailedScheduling event.
  const unscheduled = waitingStates
    .map((state) => {
      let message = state.unschedulableMessage;
      if (message === undefined && !state.nodeName) {
        message = context.podEvents
          .filter(
            (event) => event.reason === 'FailedScheduling' && event.regarding.name === state.name,
          )
          .sort(latestFirst)[0]?.message;
      }
      return { state, message };
    })
    .filter((entry): entry is { state: PodState; message: string } => entry.message !== undefined);
  const causes: ExplainCause[] = [...spec];
  const seenSchedulerMessages = new Set<string>();
  for (const { message } of unscheduled) {
    const parsed = parseFailedScheduling(message);
    const key = parsed ? parsed.reasons.map((reason) => reason.text).join('|') : message;
    if (seenSchedulerMessages.has(key)) continue;
    seenSchedulerMessages.add(key);
    const phrases = parsed ? schedulerCauses(parsed, request, group, context) : [message];
    for (const phrase of phrases)
      causes.push({ source: 'scheduler', message: phrase, detail: message });
  }
  causes.push(...failureCauses(failingStates));
  const notCreated = Math.max(0, group.desired - live.length);
  if (notCreated > 0) causes.push(...(createCauses.get(group.name) ?? []));

  const counts = {
    ready,
    unscheduled: unscheduled.length,
    starting: waitingStates.length - unscheduled.length,
    failing: failingStates.length,
    notCreated,
    terminating: groupPods.length - live.length,
  };
  let state: GroupState;
  if (spec.length > 0 || failingStates.length > 0) state = 'failing';
  else if (group.desired === 0 || ready >= group.desired) state = 'ok';
  else if (
    unscheduled.length > 0 ||
    causes.some(
      (cause) =>
        cause.source === 'quota' || cause.source === 'operator' || cause.source === 'condition',
    )
  ) {
    state = 'blocked';
  } else state = 'waiting';
  // Pods still going away (deletion, suspension) are progress, not a steady state.
  if (
    context.cluster.metadata.deletionTimestamp ||
    (group.desired === 0 && counts.terminating > 0)
  ) {
    state = 'waiting';
  }
  // Operator warnings (service, ingress, autoscaler RBAC) are the head group's business.
  if (group.kind === 'head') {
    const seen = new Set<string>();
    for (const event of [...context.clusterEvents].sort(latestFirst)) {
      if (
        event.type !== 'Warning' ||
        handledOperatorReasons.has(event.reason) ||
        seen.has(event.reason)
      )
        continue;
      seen.add(event.reason);
      causes.push({
        source: 'operator',
        message: `${event.reason}: ${event.message}`,
        detail: event.message,
      });
    }
  }
  const progress = mostCommon(
    waitingStates.filter((s) => s.unschedulableMessage === undefined).map((s) => s.progress),
  );
  return {
    group: group.name,
    kind: group.kind,
    desired: group.desired,
    ready,
    pending: waitingStates.length,
    failing: failingStates.length,
    notCreated,
    state,
    summary: summaryOf(group, counts, state, causes, progress, context),
    causes,
  };
}

/**
 * Why each group of a RayCluster is (not) ready, one entry per group (head first, then worker
 * groups in spec order), merging what Kubernetes and KubeRay say in different places:
 *
 * - the scheduler: pod condition PodScheduled=False / `FailedScheduling` events, parsed into
 *   node counts; GPU shortages name the wanted product (`nvidia.com/gpu.product` from the
 *   pod's nodeSelector or required affinity, else any GPU) and who holds those GPUs (from
 *   `nodes` and `allPods`, named `namespace/cluster` with the owner from `clusterOwners`);
 * - quota admission: `exceeded quota` / `must specify` in KubeRay's `FailedToCreateWorkerPod`
 *   / `FailedToCreateHeadPod` events and the `ReplicaFailure` condition, with the quota's
 *   current usage from `quotas`;
 * - the kubelet: ErrImagePull / ImagePullBackOff (with the image), CrashLoopBackOff (with
 *   restarts and last exit), container config errors, failed pods;
 * - KubeRay: `InvalidRayClusterSpec` events (while `status.observedGeneration` lags
 *   `metadata.generation`), other operator warnings, create errors that are not quota.
 *
 * Each entry has a state (`ok`, `waiting`, `blocked` by capacity/quota/operator, `failing`
 * until someone fixes something) and one sentence, e.g. `0 of 3 workers ready (2 pending,
 * 1 not created): no node has a free NVIDIA A100 (4 in use by team-a/train-big); team-b's
 * quota allows 2 GPUs, 2 used.`
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/kube-scheduler/
 * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/
 * @see https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/observability.html
 */
export function explainCluster(input: ExplainClusterInput): GroupExplanation[] {
  const { cluster } = input;
  const namespace = cluster.metadata.namespace ?? '';
  const pods = input.pods.filter((pod) => isPodOfCluster(pod, cluster));
  const podNames = new Set(pods.map((pod) => pod.metadata.name));
  const events = input.events.map(normalizeEvent);
  const clusterEvents = events.filter((event) =>
    eventRegards(event, {
      kind: 'RayCluster',
      name: cluster.metadata.name ?? '',
      namespace,
      ...(cluster.metadata.uid ? { uid: cluster.metadata.uid } : {}),
    }),
  );
  const podEvents = events.filter(
    (event) =>
      event.regarding.kind === 'Pod' &&
      podNames.has(event.regarding.name) &&
      (!event.regarding.namespace || event.regarding.namespace === namespace),
  );
  const groups = rayClusterGroups(cluster);
  const context: Context = {
    cluster,
    namespace,
    groups,
    clusterEvents,
    podEvents,
    quotas: input.quotas,
    nodes: input.nodes,
    inventory: gpuInventory({ nodes: input.nodes, pods: input.allPods ?? input.pods }),
    owners: input.clusterOwners ?? {},
  };

  // Create failures (quota, admission webhooks, …) per group, from events and ReplicaFailure.
  const notCreated = new Map(
    groups.map((group) => [
      group.name,
      group.desired -
        pods.filter((pod) => !pod.metadata.deletionTimestamp && isPodOfGroup(pod, group)).length,
    ]),
  );
  const createCauses = new Map<string, ExplainCause[]>();
  const addCreateCause = (text: string, head: boolean, fallback: CauseSource): void => {
    const error = operatorError(text);
    const rejection = parseQuotaRejection(error);
    const cause: ExplainCause = rejection
      ? { source: 'quota', message: quotaCause(rejection, context), detail: error }
      : {
          source: fallback,
          message: `the operator cannot create ${head ? 'the head pod' : 'worker pods'}: ${error}`,
          detail: error,
        };
    for (const group of groupsOfCreateFailure(error, head, context, notCreated)) {
      const list = createCauses.get(group.name) ?? [];
      if (
        !list.some(
          (existing) =>
            existing.message === cause.message || (rejection && existing.source === 'quota'),
        )
      ) {
        list.push(cause);
      }
      createCauses.set(group.name, list);
    }
  };
  const replicaFailure = cluster.status?.conditions?.find(
    (condition) =>
      condition.type === RayClusterConditionType.replicaFailure && condition.status === 'True',
  );
  if (replicaFailure?.message) {
    addCreateCause(
      replicaFailure.message,
      replicaFailure.reason === 'FailedCreateHeadPod',
      'condition',
    );
  }
  for (const event of clusterEvents
    .filter((e) => createFailureReasons.has(e.reason))
    .sort(latestFirst)) {
    addCreateCause(event.message, event.reason === 'FailedToCreateHeadPod', 'operator');
  }

  const spec = specCauses(context);
  return groups.map((group) => explainGroup(group, pods, context, createCauses, spec));
}
