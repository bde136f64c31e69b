import { createHash } from 'node:crypto';

import {
  kueueCustomResourceDefinitions,
  kueueGroup,
  kueueVersion,
} from '../../apiserver/kueueCustomResourceDefinitions.ts';
import { labelSelectorFromMeta, matchesLabels } from '../../apiserver/labelSelector.ts';
import type { AdmissionRequest, ObjectApi } from '../../apiserver/objectApi.ts';
import type { KubeObject, ResourceType } from '../../apiserver/resourceType.ts';
import { invalid, StatusError } from '../../apiserver/statusError.ts';
import type { WorldKueue } from '../../world/worldConfig.ts';
import type { RunningController, WorldContext } from '../../world/worldContext.ts';
import { isNotFound, timeString, writeStatus } from '../core/coreApi.ts';
import { amountOf } from '../core/podResources.ts';
import { formatQuotaAmount } from '../core/resourceQuota.ts';
import { controllerOf, controllerReference } from '../kuberay/controllerReference.ts';
import type { Condition } from '../kuberay/RayCluster.ts';
import { findCondition, setStatusCondition } from '../kuberay/setStatusCondition.ts';
import {
  assignFlavors,
  type FlavorUsage,
  type PodSetAssignment,
  QuotaSnapshot,
  splitUsageKey,
  usageKey,
} from './assignFlavors.ts';
import {
  type ClusterQueue,
  clusterQueueOf,
  type Flavor,
  flavorOf,
  jobUidLabel,
  listOf,
  type PodSet,
  podSetOf,
  queueNameLabel,
  recordOf,
  textOf,
} from './kueueModel.ts';

/** The flavor of CPU and memory quota in the world's ClusterQueues (no node labels). */
export const defaultFlavorName = 'default-flavor';

/** The LocalQueue the world creates in each Kueue team namespace. */
export const defaultLocalQueueName = 'default';

/** The ResourceFlavor name of a GPU product: the product in lower case. */
export function gpuFlavorName(product: string): string {
  return product.toLowerCase();
}

const reporter = 'kueue-admission';

interface KueueTypes {
  crds: ResourceType;
  flavors: ResourceType;
  clusterQueues: ResourceType;
  localQueues: ResourceType;
  workloads: ResourceType;
  rayClusters: ResourceType;
  rayJobs: ResourceType;
  namespaces: ResourceType;
}

function typeOf(api: ObjectApi, group: string, version: string, plural: string): ResourceType {
  const type = api.registry.lookup(group, version, plural);
  if (!type) throw new Error(`${plural}.${group}/${version} is not served`);
  return type;
}

/** The kinds Kueue manages here, and where their pod templates are. */
const jobKinds = new Set(['RayCluster', 'RayJob']);

/** The RayCluster spec inside a Ray job object (RayJob: `spec.rayClusterSpec`). */
function clusterSpecOf(job: KubeObject): Record<string, unknown> {
  const spec = recordOf(job['spec']);
  return job.kind === 'RayJob' ? recordOf(spec['rayClusterSpec']) : spec;
}

/**
 * The pod sets of a RayCluster or RayJob as Kueue's Ray integrations build them: `head` (one
 * pod) and one per worker group named after the group, with `replicas × numOfHosts` pods.
 */
export function podSetsOfJob(job: KubeObject): { podSets: PodSet[]; templates: unknown[] } {
  const spec = clusterSpecOf(job);
  const head = recordOf(spec['headGroupSpec']);
  const podSets = [podSetOf('head', 1, head['template'])];
  const templates = [head['template']];
  for (const groupValue of listOf(spec['workerGroupSpecs'])) {
    const group = recordOf(groupValue);
    const replicas = group['replicas'] ?? group['minReplicas'] ?? 0;
    const hosts = group['numOfHosts'] ?? 1;
    const count =
      (typeof replicas === 'number' ? replicas : 0) * (typeof hosts === 'number' ? hosts : 1);
    podSets.push(podSetOf(textOf(group['groupName']), count, group['template']));
    templates.push(group['template']);
  }
  return { podSets, templates };
}

/** Kueue's Workload name for a job: `<kind>-<name>-<5 hex of a hash of name and uid>`. */
export function workloadNameOf(job: KubeObject): string {
  const name = job.metadata?.name ?? '';
  const hash = createHash('sha1')
    .update(`${name}\u0000${job.metadata?.uid ?? ''}`)
    .digest('hex')
    .slice(0, 5);
  return `${(job.kind ?? '').toLowerCase()}-${name}-${hash}`;
}

/** Whether Kueue manages a Ray object: it has the queue label and no managed parent job. */
function isManagedJob(object: KubeObject): boolean {
  if (!jobKinds.has(object.kind ?? '')) return false;
  if (!object.metadata?.labels?.[queueNameLabel]) return false;
  // A RayJob's own RayCluster is admitted with its RayJob (Kueue skips jobs with a managed owner).
  return controllerOf(object)?.kind !== 'RayJob';
}

/**
 * Kueue's mutating and validating webhooks for Ray objects: a labelled RayCluster or RayJob is
 * created suspended until its Workload is admitted; a RayJob must delete its cluster when done
 * and must not run on an existing cluster.
 */
function kueueWebhook(request: AdmissionRequest): KubeObject | undefined {
  if (request.type.group !== 'ray.io' || request.operation !== 'CREATE') return undefined;
  const object = { ...request.object, kind: request.type.kind };
  if (!isManagedJob(object)) return undefined;
  const spec = recordOf(request.object['spec']);
  if (request.type.kind === 'RayJob') {
    const name = request.object.metadata?.name ?? '';
    if (Object.keys(recordOf(spec['clusterSelector'])).length > 0) {
      throw invalid('RayJob', 'ray.io', name, [
        {
          reason: 'FieldValueInvalid',
          field: 'spec.clusterSelector',
          message: `Invalid value: ${JSON.stringify(spec['clusterSelector'])}: a kueue managed job should not use an existing cluster`,
        },
      ]);
    }
    if (spec['shutdownAfterJobFinishes'] !== true) {
      throw invalid('RayJob', 'ray.io', name, [
        {
          reason: 'FieldValueInvalid',
          field: 'spec.shutdownAfterJobFinishes',
          message: `Invalid value: false: a kueue managed job should delete the cluster after finishing`,
        },
      ]);
    }
  }
  return { ...request.object, spec: { ...spec, suspend: true } };
}

/** What the scheduler knows of one Workload. */
interface WorkloadView {
  object: KubeObject;
  namespace: string;
  name: string;
  queueName: string;
  podSets: PodSet[];
  priority: number;
  /** Queue order: creation, or the last eviction (Kueue's default requeuing timestamp). */
  queuedAt: string;
  admission: { clusterQueue: string; usage: FlavorUsage } | undefined;
  finished: boolean;
  conditions: Condition[];
}

function conditionsOf(status: Record<string, unknown>): Condition[] {
  return listOf(status['conditions']).flatMap((value) => {
    const condition = recordOf(value);
    const state = condition['status'];
    if (state !== 'True' && state !== 'False' && state !== 'Unknown') return [];
    return [
      {
        type: textOf(condition['type']),
        status: state,
        reason: textOf(condition['reason']),
        message: textOf(condition['message']),
        lastTransitionTime: textOf(condition['lastTransitionTime']),
      },
    ];
  });
}

function workloadViewOf(object: KubeObject): WorkloadView {
  const spec = recordOf(object['spec']);
  const status = recordOf(object['status']);
  const conditions = conditionsOf(status);
  const admissionValue = recordOf(status['admission']);
  const clusterQueue = textOf(admissionValue['clusterQueue']);
  const usage: FlavorUsage = new Map();
  for (const assignmentValue of listOf(admissionValue['podSetAssignments'])) {
    const assignment = recordOf(assignmentValue);
    const flavors = recordOf(assignment['flavors']);
    for (const [resource, quantity] of Object.entries(recordOf(assignment['resourceUsage']))) {
      const flavor = textOf(flavors[resource]);
      if (!flavor || (typeof quantity !== 'string' && typeof quantity !== 'number')) continue;
      const key = usageKey(flavor, resource);
      usage.set(key, (usage.get(key) ?? 0) + amountOf(resource, quantity));
    }
  }
  const evicted = findCondition(conditions, 'Evicted');
  const created = object.metadata?.creationTimestamp ?? '';
  return {
    object,
    namespace: object.metadata?.namespace ?? '',
    name: object.metadata?.name ?? '',
    queueName: textOf(spec['queueName']),
    podSets: listOf(spec['podSets']).map((value) => {
      const podSet = recordOf(value);
      const count = podSet['count'];
      return podSetOf(
        textOf(podSet['name'], 'main'),
        typeof count === 'number' ? count : 1,
        podSet['template'],
      );
    }),
    priority: typeof spec['priority'] === 'number' ? spec['priority'] : 0,
    queuedAt:
      evicted?.status === 'True' && evicted.lastTransitionTime > created
        ? evicted.lastTransitionTime
        : created,
    admission: clusterQueue ? { clusterQueue, usage } : undefined,
    finished: findCondition(conditions, 'Finished')?.status === 'True',
    conditions,
  };
}

/** Pending workloads first by priority (higher first), then by queue time (older first). */
function queueOrder(left: WorkloadView, right: WorkloadView): number {
  if (left.priority !== right.priority) return right.priority - left.priority;
  if (left.queuedAt !== right.queuedAt) return left.queuedAt < right.queuedAt ? -1 : 1;
  return `${left.namespace}/${left.name}` < `${right.namespace}/${right.name}` ? -1 : 1;
}

function sameJson(left: unknown, right: unknown): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}

/**
 * Installs Kueue's CRDs and starts the simulated Kueue controller manager: the Ray job
 * integrations (a Workload per labelled RayCluster/RayJob, suspend until admitted), the
 * scheduler (flavor assignment, quota per ClusterQueue with borrowing and lending in a cohort,
 * preemption) and the queue status controllers. With `world`, also creates the world's
 * ResourceFlavors, ClusterQueues and LocalQueues. Every write goes through `context.api`.
 */
export function startKueue(
  context: WorldContext,
  world: WorldKueue | undefined,
): RunningController {
  const { api, clock } = context;
  const crds = typeOf(api, 'apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
  for (const crd of kueueCustomResourceDefinitions) {
    if (!api.find(crds, undefined, crd.metadata?.name ?? '')) api.create(crds, undefined, crd);
  }
  const types: KueueTypes = {
    crds,
    flavors: typeOf(api, kueueGroup, kueueVersion, 'resourceflavors'),
    clusterQueues: typeOf(api, kueueGroup, kueueVersion, 'clusterqueues'),
    localQueues: typeOf(api, kueueGroup, kueueVersion, 'localqueues'),
    workloads: typeOf(api, kueueGroup, kueueVersion, 'workloads'),
    rayClusters: typeOf(api, 'ray.io', 'v1', 'rayclusters'),
    rayJobs: typeOf(api, 'ray.io', 'v1', 'rayjobs'),
    namespaces: typeOf(api, '', 'v1', 'namespaces'),
  };
  if (world) bootstrapKueue(context, types, world);

  let stopped = false;
  api.addAdmissionPlugin((request) => (stopped ? undefined : kueueWebhook(request)));

  let scheduled = false;
  const scheduleSoon = () => {
    if (scheduled || stopped) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      if (stopped) return;
      try {
        reconcile(context, types);
      } catch (error) {
        // A conflicting concurrent write: the change feed brings us back.
        if (!(error instanceof StatusError)) throw error;
        scheduleSoon();
      }
    });
  };
  const unsubscribes = [
    ...['resourceflavors', 'clusterqueues', 'localqueues', 'workloads'].map((plural) =>
      api.store.subscribe(`${kueueGroup}/${plural}`, (event) => {
        // Our own status writes change nothing the scheduler reads.
        if (event.type === 'MODIFIED' && plural !== 'workloads' && statusOnly(event)) return;
        scheduleSoon();
      }),
    ),
    // Only queued Ray objects matter: a world of thousands of unlabelled clusters costs nothing.
    ...['ray.io/rayclusters', 'ray.io/rayjobs'].map((storageKey) =>
      api.store.subscribe(storageKey, (event) => {
        const labelled = (object: KubeObject | undefined) =>
          Boolean(object?.metadata?.labels?.[queueNameLabel]);
        if (labelled(event.record.object) || labelled(event.previous?.object)) scheduleSoon();
      }),
    ),
    api.store.subscribe('/namespaces', scheduleSoon),
  ];
  // Re-check now and then: nothing else wakes a queue when, e.g., only time passed.
  const stopTimer = repeat(clock, 10_000, scheduleSoon);
  scheduleSoon();
  return {
    stop: () => {
      stopped = true;
      stopTimer();
      for (const unsubscribe of unsubscribes) unsubscribe();
    },
  };
}

function statusOnly(event: {
  record: { object: KubeObject };
  previous?: { object: KubeObject } | undefined;
}): boolean {
  const before = event.previous?.object;
  if (!before) return false;
  return before.metadata?.generation === event.record.object.metadata?.generation;
}

function repeat(clock: WorldContext['clock'], everyMs: number, run: () => void): () => void {
  let cancel = clock.setTimer(everyMs, tick);
  function tick() {
    run();
    cancel = clock.setTimer(everyMs, tick);
  }
  return () => cancel();
}

/** The world's flavors (one per GPU product plus `default-flavor`), ClusterQueues, LocalQueues. */
function bootstrapKueue(context: WorldContext, types: KueueTypes, world: WorldKueue): void {
  const { api } = context;
  const createIfMissing = (
    type: ResourceType,
    namespace: string | undefined,
    object: KubeObject,
  ) => {
    if (!api.find(type, namespace, object.metadata?.name ?? ''))
      api.create(type, namespace, object);
  };
  createIfMissing(types.flavors, undefined, { metadata: { name: defaultFlavorName }, spec: {} });
  const gpuResource = new Map<string, string>();
  for (const pool of context.world.nodePools) {
    if (!pool.gpu || gpuResource.has(pool.gpu.product)) continue;
    gpuResource.set(pool.gpu.product, pool.gpu.resource);
    const taints = pool.taints.filter((taint) => taint.effect !== 'PreferNoSchedule');
    createIfMissing(types.flavors, undefined, {
      metadata: { name: gpuFlavorName(pool.gpu.product) },
      spec: {
        nodeLabels: { 'nvidia.com/gpu.product': pool.gpu.product },
        ...(taints.length > 0
          ? {
              nodeTaints: taints,
              // Injected into admitted pods, as the GPU operator's toleration webhook would.
              tolerations: taints.map((taint) => ({
                key: taint.key,
                operator: 'Equal',
                value: taint.value ?? '',
                effect: taint.effect,
              })),
            }
          : {}),
      },
    });
  }
  for (const queue of world.queues) {
    const gpuFlavors = Object.entries(queue.gpus).map(([product, count]) => ({
      name: gpuFlavorName(product),
      resources: [
        { name: gpuResource.get(product) ?? 'nvidia.com/gpu', nominalQuota: String(count) },
      ],
    }));
    const gpuResources = [
      ...new Set(
        Object.keys(queue.gpus).map((product) => gpuResource.get(product) ?? 'nvidia.com/gpu'),
      ),
    ];
    createIfMissing(types.clusterQueues, undefined, {
      metadata: { name: queue.namespace },
      spec: {
        ...(queue.cohort ? { cohort: queue.cohort } : {}),
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': queue.namespace } },
        queueingStrategy: 'BestEffortFIFO',
        preemption: { reclaimWithinCohort: 'Any', withinClusterQueue: 'LowerPriority' },
        resourceGroups: [
          {
            coveredResources: ['cpu', 'memory'],
            flavors: [
              {
                name: defaultFlavorName,
                resources: [
                  { name: 'cpu', nominalQuota: queue.cpu },
                  { name: 'memory', nominalQuota: queue.memory },
                ],
              },
            ],
          },
          ...(gpuFlavors.length > 0
            ? [{ coveredResources: gpuResources, flavors: gpuFlavors }]
            : []),
        ],
      },
    });
    createIfMissing(types.localQueues, queue.namespace, {
      metadata: { name: defaultLocalQueueName },
      spec: { clusterQueue: queue.namespace },
    });
  }
}

/** Why a workload cannot be considered at all, or its ClusterQueue. */
function resolveQueue(
  workload: WorkloadView,
  localQueues: ReadonlyMap<string, KubeObject>,
  queues: ReadonlyMap<string, ClusterQueue>,
  inactive: ReadonlyMap<string, string>,
  namespaceLabels: ReadonlyMap<string, Record<string, string>>,
): { queue: ClusterQueue } | { reason: string; message: string } {
  const localQueue = localQueues.get(`${workload.namespace}/${workload.queueName}`);
  if (!localQueue) {
    return { reason: 'Inadmissible', message: `LocalQueue ${workload.queueName} doesn't exist` };
  }
  const clusterQueueName = textOf(recordOf(localQueue['spec'])['clusterQueue']);
  const queue = queues.get(clusterQueueName);
  if (!queue) {
    return { reason: 'Inadmissible', message: `ClusterQueue ${clusterQueueName} doesn't exist` };
  }
  if (inactive.has(queue.name) || queue.stopPolicy !== 'None') {
    return { reason: 'Inadmissible', message: `ClusterQueue ${queue.name} is inactive` };
  }
  let selected: boolean;
  try {
    selected = matchesLabels(
      labelSelectorFromMeta(recordOf(queue.namespaceSelector)),
      namespaceLabels.get(workload.namespace),
    );
  } catch {
    selected = false;
  }
  if (!selected) {
    return {
      reason: 'Inadmissible',
      message: `Workload namespace doesn't match ClusterQueue selector`,
    };
  }
  return { queue };
}

/** One pass of the Ray integrations, the scheduler and the queue status controllers. */
function reconcile(context: WorldContext, types: KueueTypes): void {
  const { api, clock } = context;
  const now = timeString(clock.now());

  // Ray integrations: a Workload per managed job.
  const jobs = new Map<string, { type: ResourceType; object: KubeObject }>();
  for (const type of [types.rayClusters, types.rayJobs]) {
    for (const record of api.store.list(type.storageKey)) {
      const object = { ...api.view(type, record), kind: type.kind };
      if (!isManagedJob(object) || object.metadata?.deletionTimestamp) continue;
      jobs.set(object.metadata?.uid ?? '', { type, object });
      ensureWorkload(api, types, object);
    }
  }

  const flavors = new Map<string, Flavor>();
  for (const record of api.store.list(types.flavors.storageKey)) {
    const flavor = flavorOf(record.object);
    flavors.set(flavor.name, flavor);
  }
  const queues = new Map<string, ClusterQueue>();
  const inactive = new Map<string, string>();
  for (const record of api.store.list(types.clusterQueues.storageKey)) {
    const queue = clusterQueueOf(record.object);
    queues.set(queue.name, queue);
    const missing = [
      ...new Set(
        queue.groups.flatMap((group) =>
          group.flavors.map((entry) => entry.name).filter((name) => !flavors.has(name)),
        ),
      ),
    ];
    if (missing.length > 0) inactive.set(queue.name, missing.join(', '));
  }
  const localQueues = new Map<string, KubeObject>();
  for (const record of api.store.list(types.localQueues.storageKey)) {
    localQueues.set(
      `${record.object.metadata?.namespace ?? ''}/${record.object.metadata?.name ?? ''}`,
      record.object,
    );
  }
  const namespaceLabels = new Map<string, Record<string, string>>();
  for (const record of api.store.list(types.namespaces.storageKey)) {
    namespaceLabels.set(record.object.metadata?.name ?? '', record.object.metadata?.labels ?? {});
  }

  const workloads = api.store
    .list(types.workloads.storageKey)
    .map((record) => workloadViewOf(record.object))
    .filter((workload) => !workload.object.metadata?.deletionTimestamp);

  // Admitted workloads hold their quota until they finish or are deleted.
  const snapshot = new QuotaSnapshot(queues);
  const admitted = new Map<string, WorkloadView[]>();
  for (const workload of workloads) {
    if (!workload.admission || workload.finished) continue;
    snapshot.add(workload.admission.clusterQueue, workload.admission.usage);
    const list = admitted.get(workload.admission.clusterQueue) ?? [];
    list.push(workload);
    admitted.set(workload.admission.clusterQueue, list);
  }

  // Pending workloads per ClusterQueue, in queue order.
  const pending = new Map<string, WorkloadView[]>();
  for (const workload of workloads) {
    if (workload.admission || workload.finished) continue;
    if (recordOf(workload.object['spec'])['active'] === false) continue;
    const resolved = resolveQueue(workload, localQueues, queues, inactive, namespaceLabels);
    if ('reason' in resolved) {
      setPending(api, types, workload, resolved.reason, resolved.message, now);
      continue;
    }
    const list = pending.get(resolved.queue.name) ?? [];
    list.push(workload);
    pending.set(resolved.queue.name, list);
  }

  const admittedNow = new Set<string>();
  for (const queue of [...queues.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const list = (pending.get(queue.name) ?? []).sort(queueOrder);
    for (const workload of list) {
      let result = assignFlavors(queue, workload.podSets, flavors, snapshot);
      if (!result.fits) {
        const victims = findVictims(
          queue,
          workload,
          result.short,
          queues,
          admitted,
          snapshot,
          flavors,
        );
        if (victims) {
          for (const victim of victims) {
            evict(api, types, victim.workload, victim.inCohort, workload, now, context);
            const victimQueue = victim.workload.admission?.clusterQueue ?? '';
            if (victim.workload.admission)
              snapshot.add(victimQueue, victim.workload.admission.usage, -1);
            admitted.set(
              victimQueue,
              (admitted.get(victimQueue) ?? []).filter((entry) => entry !== victim.workload),
            );
          }
          result = assignFlavors(queue, workload.podSets, flavors, snapshot);
        }
      }
      if (result.fits) {
        admit(api, types, workload, queue.name, result.podSets, now, context);
        snapshot.add(queue.name, result.usage);
        admittedNow.add(`${workload.namespace}/${workload.name}`);
        const entries = admitted.get(queue.name) ?? [];
        entries.push({ ...workload, admission: { clusterQueue: queue.name, usage: result.usage } });
        admitted.set(queue.name, entries);
        continue;
      }
      setPending(api, types, workload, 'Pending', result.message, now, context);
      // StrictFIFO: the head blocks the queue; later workloads keep waiting untried.
      if (queue.strategy === 'StrictFIFO') break;
    }
    pending.set(
      queue.name,
      list.filter((workload) => !admittedNow.has(`${workload.namespace}/${workload.name}`)),
    );
  }

  // Jobs follow their Workloads: unsuspended with the flavors' node labels and tolerations
  // when admitted, suspended otherwise; a finished RayJob's Workload is marked Finished.
  for (const record of api.store.list(types.workloads.storageKey)) {
    const workload = workloadViewOf(record.object);
    const owner = controllerOf(record.object);
    const job = owner ? jobs.get(owner.uid) : undefined;
    if (!job) continue;
    syncJob(api, job.type, job.object, workload, flavors, now, types);
  }

  writeQueueStatuses(
    api,
    types,
    queues,
    inactive,
    flavors,
    localQueues,
    pending,
    admitted,
    snapshot,
    now,
  );
}

function ensureWorkload(api: ObjectApi, types: KueueTypes, job: KubeObject): void {
  const namespace = job.metadata?.namespace ?? '';
  const name = workloadNameOf(job);
  const { podSets } = podSetsOfJob(job);
  const spec = clusterSpecOf(job);
  const headTemplate = recordOf(recordOf(spec['headGroupSpec'])['template']);
  const templates = [
    headTemplate,
    ...listOf(spec['workerGroupSpecs']).map((group) => recordOf(recordOf(group)['template'])),
  ];
  const desiredPodSets = podSets.map((podSet, index) => ({
    name: podSet.name,
    count: podSet.count,
    template: templates[index] ?? {},
  }));
  const existing = api.find(types.workloads, namespace, name);
  if (!existing) {
    api.create(types.workloads, namespace, {
      metadata: {
        name,
        labels: { [jobUidLabel]: job.metadata?.uid ?? '' },
        ownerReferences: [controllerReference(job)],
      },
      spec: {
        queueName: job.metadata?.labels?.[queueNameLabel] ?? '',
        podSets: desiredPodSets,
        priority: 0,
      },
    });
    return;
  }
  // While pending, the Workload follows the job's shape (e.g. replicas changed).
  const existingSpec = recordOf(existing['spec']);
  const admitted = Object.keys(recordOf(recordOf(existing['status'])['admission'])).length > 0;
  if (!admitted && !sameJson(existingSpec['podSets'], desiredPodSets)) {
    api.update(types.workloads, namespace, name, {
      ...existing,
      spec: { ...existingSpec, podSets: desiredPodSets },
    });
  }
}

function writeWorkloadStatus(
  api: ObjectApi,
  types: KueueTypes,
  workload: WorkloadView,
  status: Record<string, unknown>,
): void {
  const current = recordOf(workload.object['status']);
  if (sameJson(current, status)) return;
  writeStatus(
    api,
    types.workloads,
    workload.namespace,
    workload.name,
    status,
    workload.object.metadata?.uid,
  );
}

function resourceRequestsOf(podSets: readonly PodSet[]): unknown[] {
  return podSets.map((podSet) => ({
    name: podSet.name,
    resources: Object.fromEntries(
      Object.entries(podSet.perPod)
        .filter(([, amount]) => amount > 0)
        .map(([resource, amount]) => [resource, formatQuotaAmount(resource, amount)]),
    ),
  }));
}

function setPending(
  api: ObjectApi,
  types: KueueTypes,
  workload: WorkloadView,
  reason: string,
  message: string,
  now: string,
  context?: WorldContext,
): void {
  const before = findCondition(workload.conditions, 'QuotaReserved');
  const conditions = setStatusCondition(
    workload.conditions,
    { type: 'QuotaReserved', status: 'False', reason, message },
    now,
  );
  const status = recordOf(workload.object['status']);
  writeWorkloadStatus(api, types, workload, {
    ...status,
    conditions,
    resourceRequests: resourceRequestsOf(workload.podSets),
  });
  if (context && before?.message !== message) {
    context.events.record({
      regarding: workload.object,
      type: 'Warning',
      reason: 'Pending',
      note: message,
      reportingController: reporter,
    });
  }
}

function admit(
  api: ObjectApi,
  types: KueueTypes,
  workload: WorkloadView,
  clusterQueue: string,
  podSets: readonly PodSetAssignment[],
  now: string,
  context: WorldContext,
): void {
  let conditions = setStatusCondition(
    workload.conditions,
    {
      type: 'QuotaReserved',
      status: 'True',
      reason: 'QuotaReserved',
      message: `Quota reserved in ClusterQueue ${clusterQueue}`,
    },
    now,
  );
  conditions = setStatusCondition(
    conditions,
    { type: 'Admitted', status: 'True', reason: 'Admitted', message: 'The workload is admitted' },
    now,
  );
  if (findCondition(conditions, 'Evicted')) {
    conditions = setStatusCondition(
      conditions,
      {
        type: 'Evicted',
        status: 'False',
        reason: 'QuotaReserved',
        message: 'Previously: preempted',
      },
      now,
    );
  }
  if (findCondition(conditions, 'Preempted')) {
    conditions = setStatusCondition(
      conditions,
      {
        type: 'Preempted',
        status: 'False',
        reason: 'QuotaReserved',
        message: 'Previously: preempted',
      },
      now,
    );
  }
  writeWorkloadStatus(api, types, workload, {
    ...recordOf(workload.object['status']),
    admission: {
      clusterQueue,
      podSetAssignments: podSets.map((podSet) => ({
        name: podSet.name,
        flavors: podSet.flavors,
        resourceUsage: Object.fromEntries(
          Object.entries(podSet.resourceUsage).map(([resource, amount]) => [
            resource,
            formatQuotaAmount(resource, amount),
          ]),
        ),
        count: podSet.count,
      })),
    },
    conditions,
    resourceRequests: resourceRequestsOf(workload.podSets),
  });
  context.events.record({
    regarding: workload.object,
    type: 'Normal',
    reason: 'QuotaReserved',
    note: `Quota reserved in ClusterQueue ${clusterQueue}`,
    reportingController: reporter,
  });
  context.events.record({
    regarding: workload.object,
    type: 'Normal',
    reason: 'Admitted',
    note: `Admitted by ClusterQueue ${clusterQueue}`,
    reportingController: reporter,
  });
}

interface Victim {
  workload: WorkloadView;
  inCohort: boolean;
}

/**
 * Preemption, simplified: candidates are admitted workloads of other ClusterQueues in the
 * cohort that borrow the lacking flavor/resource (when the preemptor's queue reclaims within
 * the cohort and its request fits its nominal quota), then lower-priority workloads of its own
 * queue (when `withinClusterQueue` allows), each lowest priority and newest first. Victims are
 * taken one at a time until the preemptor fits; undefined when it would not fit even then.
 */
function findVictims(
  queue: ClusterQueue,
  preemptor: WorkloadView,
  short: readonly { flavor: string; resource: string }[],
  queues: ReadonlyMap<string, ClusterQueue>,
  admitted: ReadonlyMap<string, WorkloadView[]>,
  snapshot: QuotaSnapshot,
  flavors: ReadonlyMap<string, Flavor>,
): Victim[] | undefined {
  if (short.length === 0) return undefined;
  const lacking = new Set(short.map((entry) => usageKey(entry.flavor, entry.resource)));
  const candidates: Victim[] = [];
  const byPreference = (left: WorkloadView, right: WorkloadView) =>
    left.priority !== right.priority
      ? left.priority - right.priority
      : left.queuedAt < right.queuedAt
        ? 1
        : -1;
  const allows = (policy: string, victim: WorkloadView) =>
    policy === 'Any' ||
    (policy === 'LowerPriority' && victim.priority < preemptor.priority) ||
    (policy === 'LowerOrNewerEqualPriority' &&
      (victim.priority < preemptor.priority ||
        (victim.priority === preemptor.priority && victim.queuedAt > preemptor.queuedAt)));
  const usesLacking = (workload: WorkloadView) =>
    [...(workload.admission?.usage.keys() ?? [])].some((key) => lacking.has(key));
  if (queue.cohort && queue.reclaimWithinCohort !== 'Never') {
    for (const other of queues.values()) {
      if (other.name === queue.name || other.cohort !== queue.cohort) continue;
      const borrowing = [...lacking].some((key) => {
        const { flavor, resource } = splitUsageKey(key);
        return (
          snapshot.used(other.name, flavor, resource) >
          (snapshot.quota(other, flavor, resource)?.nominal ?? 0)
        );
      });
      if (!borrowing) continue;
      for (const workload of [...(admitted.get(other.name) ?? [])].sort(byPreference)) {
        if (usesLacking(workload) && allows(queue.reclaimWithinCohort, workload))
          candidates.push({ workload, inCohort: true });
      }
    }
  }
  if (queue.withinClusterQueue !== 'Never') {
    for (const workload of [...(admitted.get(queue.name) ?? [])].sort(byPreference)) {
      if (usesLacking(workload) && allows(queue.withinClusterQueue, workload))
        candidates.push({ workload, inCohort: false });
    }
  }
  if (candidates.length === 0) return undefined;
  const chosen: Victim[] = [];
  const removed: { queue: string; usage: FlavorUsage }[] = [];
  let fits = false;
  for (const candidate of candidates) {
    const admission = candidate.workload.admission;
    if (!admission) continue;
    snapshot.add(admission.clusterQueue, admission.usage, -1);
    removed.push({ queue: admission.clusterQueue, usage: admission.usage });
    chosen.push(candidate);
    if (assignFlavors(queue, preemptor.podSets, flavors, snapshot).fits) {
      fits = true;
      break;
    }
  }
  // The caller removes the victims' usage itself; undo the trial.
  for (const entry of removed) snapshot.add(entry.queue, entry.usage);
  return fits ? chosen : undefined;
}

function evict(
  api: ObjectApi,
  types: KueueTypes,
  victim: WorkloadView,
  inCohort: boolean,
  preemptor: WorkloadView,
  now: string,
  context: WorldContext,
): void {
  const preemptorUid = preemptor.object.metadata?.uid ?? '';
  const jobUid = preemptor.object.metadata?.labels?.[jobUidLabel] ?? '';
  const message = `Preempted to accommodate a workload (UID: ${preemptorUid}, JobUID: ${jobUid}) due to ${inCohort ? 'reclamation within the cohort' : 'prioritization in the ClusterQueue'}`;
  let conditions = setStatusCondition(
    victim.conditions,
    { type: 'Evicted', status: 'True', reason: 'Preempted', message },
    now,
  );
  conditions = setStatusCondition(
    conditions,
    {
      type: 'Preempted',
      status: 'True',
      reason: inCohort ? 'InCohortReclamation' : 'InClusterQueue',
      message,
    },
    now,
  );
  conditions = setStatusCondition(
    conditions,
    { type: 'QuotaReserved', status: 'False', reason: 'Pending', message },
    now,
  );
  conditions = setStatusCondition(
    conditions,
    {
      type: 'Admitted',
      status: 'False',
      reason: 'NoReservation',
      message: 'The workload has no reservation',
    },
    now,
  );
  const { admission: _released, ...status } = recordOf(victim.object['status']);
  void _released;
  const evictions = listOf(recordOf(status['schedulingStats'])['evictions']).map(recordOf);
  const cause = inCohort ? 'InCohortReclamation' : 'InClusterQueue';
  const existing = evictions.find(
    (entry) => entry['reason'] === 'Preempted' && entry['underlyingCause'] === cause,
  );
  const count = typeof existing?.['count'] === 'number' ? existing['count'] + 1 : 1;
  writeWorkloadStatus(api, types, victim, {
    ...status,
    conditions,
    schedulingStats: {
      evictions: [
        ...evictions.filter((entry) => entry !== existing),
        { reason: 'Preempted', underlyingCause: cause, count },
      ],
    },
  });
  context.events.record({
    regarding: victim.object,
    type: 'Normal',
    reason: 'Preempted',
    note: message,
    reportingController: reporter,
  });
}

/** Adds the assigned flavors' node labels and tolerations to one pod template. */
function injectFlavors(
  template: unknown,
  flavorsOfPodSet: readonly Flavor[],
): Record<string, unknown> {
  const object = recordOf(template);
  const spec = recordOf(object['spec']);
  const nodeSelector: Record<string, unknown> = { ...recordOf(spec['nodeSelector']) };
  const tolerations = [...listOf(spec['tolerations'])];
  for (const flavor of flavorsOfPodSet) {
    Object.assign(nodeSelector, flavor.nodeLabels);
    for (const toleration of flavor.tolerations) {
      if (!tolerations.some((existing) => sameJson(existing, toleration)))
        tolerations.push(toleration);
    }
  }
  return {
    ...object,
    spec: {
      ...spec,
      ...(Object.keys(nodeSelector).length > 0 ? { nodeSelector } : {}),
      ...(tolerations.length > 0 ? { tolerations } : {}),
    },
  };
}

function syncJob(
  api: ObjectApi,
  type: ResourceType,
  job: KubeObject,
  workload: WorkloadView,
  flavors: ReadonlyMap<string, Flavor>,
  now: string,
  types: KueueTypes,
): void {
  const spec = recordOf(job['spec']);
  const namespace = job.metadata?.namespace ?? '';
  const name = job.metadata?.name ?? '';
  if (job.kind === 'RayJob') {
    const status = recordOf(job['status']);
    const deployment = textOf(status['jobDeploymentStatus']);
    if ((deployment === 'Complete' || deployment === 'Failed') && !workload.finished) {
      const succeeded = deployment === 'Complete';
      writeWorkloadStatus(api, types, workload, {
        ...recordOf(workload.object['status']),
        conditions: setStatusCondition(
          workload.conditions,
          {
            type: 'Finished',
            status: 'True',
            reason: succeeded ? 'Succeeded' : 'Failed',
            message: succeeded
              ? 'Job finished successfully'
              : textOf(status['message'], 'Job failed'),
          },
          now,
        ),
      });
      return;
    }
    if (workload.finished) return;
  }
  const admitted = workload.admission !== undefined && !workload.finished;
  if (!admitted) {
    if (spec['suspend'] === true) return;
    update(api, type, namespace, name, job, { ...spec, suspend: true });
    return;
  }
  if (spec['suspend'] !== true) return;
  // Unsuspend with each pod set's flavors injected (Kueue's podset info on start).
  const assignments = listOf(
    recordOf(recordOf(workload.object['status'])['admission'])['podSetAssignments'],
  ).map(recordOf);
  const flavorsFor = (podSetName: string): Flavor[] => {
    const assignment = assignments.find((entry) => entry['name'] === podSetName);
    const names = new Set(
      Object.values(recordOf(assignment?.['flavors'])).map((value) => textOf(value)),
    );
    return [...names].flatMap((flavorName) => {
      const flavor = flavors.get(flavorName);
      return flavor ? [flavor] : [];
    });
  };
  const clusterSpec = clusterSpecOf(job);
  const head = recordOf(clusterSpec['headGroupSpec']);
  const newClusterSpec = {
    ...clusterSpec,
    headGroupSpec: { ...head, template: injectFlavors(head['template'], flavorsFor('head')) },
    ...(Array.isArray(clusterSpec['workerGroupSpecs'])
      ? {
          workerGroupSpecs: listOf(clusterSpec['workerGroupSpecs']).map((groupValue) => {
            const group = recordOf(groupValue);
            return {
              ...group,
              template: injectFlavors(group['template'], flavorsFor(textOf(group['groupName']))),
            };
          }),
        }
      : {}),
  };
  const newSpec =
    job.kind === 'RayJob'
      ? { ...spec, rayClusterSpec: newClusterSpec, suspend: false }
      : { ...newClusterSpec, suspend: false };
  update(api, type, namespace, name, job, newSpec);
}

function update(
  api: ObjectApi,
  type: ResourceType,
  namespace: string,
  name: string,
  job: KubeObject,
  spec: Record<string, unknown>,
): void {
  const { kind: _kind, ...stored } = job;
  void _kind;
  try {
    api.update(type, namespace, name, { ...stored, spec });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

function usageList(usage: FlavorUsage, nominal?: (flavor: string, resource: string) => number) {
  const byFlavor = new Map<string, { name: string; total: string; borrowed?: string }[]>();
  for (const [key, amount] of usage) {
    const { flavor, resource } = splitUsageKey(key);
    const list = byFlavor.get(flavor) ?? [];
    list.push({
      name: resource,
      total: formatQuotaAmount(resource, amount),
      ...(nominal
        ? { borrowed: formatQuotaAmount(resource, Math.max(0, amount - nominal(flavor, resource))) }
        : {}),
    });
    byFlavor.set(flavor, list);
  }
  return [...byFlavor].map(([name, resources]) => ({ name, resources }));
}

function writeQueueStatuses(
  api: ObjectApi,
  types: KueueTypes,
  queues: ReadonlyMap<string, ClusterQueue>,
  inactive: ReadonlyMap<string, string>,
  flavors: ReadonlyMap<string, Flavor>,
  localQueues: ReadonlyMap<string, KubeObject>,
  pending: ReadonlyMap<string, WorkloadView[]>,
  admitted: ReadonlyMap<string, WorkloadView[]>,
  snapshot: QuotaSnapshot,
  now: string,
): void {
  for (const queue of queues.values()) {
    const object = api.find(types.clusterQueues, undefined, queue.name);
    if (!object) continue;
    const status = recordOf(object['status']);
    const waiting = pending.get(queue.name) ?? [];
    const holding = admitted.get(queue.name) ?? [];
    // Every flavor/resource of the queue, zero when unused, as Kueue lists them.
    const reservation: FlavorUsage = new Map();
    for (const group of queue.groups) {
      for (const entry of group.flavors) {
        for (const resource of entry.resources.keys()) {
          reservation.set(
            usageKey(entry.name, resource),
            snapshot.used(queue.name, entry.name, resource),
          );
        }
      }
    }
    const missing = inactive.get(queue.name);
    const conditions = setStatusCondition(
      conditionsOf(status),
      missing
        ? {
            type: 'Active',
            status: 'False',
            reason: 'FlavorNotFound',
            message: `Can't admit new workloads: references missing ResourceFlavor(s): ${missing}.`,
          }
        : queue.stopPolicy !== 'None'
          ? {
              type: 'Active',
              status: 'False',
              reason: 'Stopped',
              message: "Can't admit new workloads: is stopped.",
            }
          : { type: 'Active', status: 'True', reason: 'Ready', message: 'Can admit new workloads' },
      now,
    );
    const order = waiting.map((workload) => ({
      name: workload.name,
      namespace: workload.namespace,
    }));
    const previousOrder = recordOf(status['pendingWorkloadsStatus'])['clusterQueuePendingWorkload'];
    const flavorUsage = usageList(
      reservation,
      (flavor, resource) => snapshot.quota(queue, flavor, resource)?.nominal ?? 0,
    );
    const next = {
      ...status,
      conditions,
      pendingWorkloads: waiting.length,
      reservingWorkloads: holding.length,
      admittedWorkloads: holding.length,
      flavorsReservation: flavorUsage,
      flavorsUsage: flavorUsage,
      pendingWorkloadsStatus: {
        clusterQueuePendingWorkload: order,
        lastChangeTime: sameJson(previousOrder ?? [], order)
          ? textOf(recordOf(status['pendingWorkloadsStatus'])['lastChangeTime'], now)
          : now,
      },
    };
    if (!sameJson(status, next))
      writeStatus(api, types.clusterQueues, undefined, queue.name, next, object.metadata?.uid);
  }

  for (const [key, localQueue] of localQueues) {
    const [namespace = '', name = ''] = key.split('/');
    const clusterQueueName = textOf(recordOf(localQueue['spec'])['clusterQueue']);
    const queue = queues.get(clusterQueueName);
    const mine = (workload: WorkloadView) =>
      workload.namespace === namespace && workload.queueName === name;
    const waiting = (pending.get(clusterQueueName) ?? []).filter(mine);
    const holding = (admitted.get(clusterQueueName) ?? []).filter(mine);
    const usage: FlavorUsage = new Map();
    for (const workload of holding) {
      for (const [usageKeyValue, amount] of workload.admission?.usage ?? []) {
        usage.set(usageKeyValue, (usage.get(usageKeyValue) ?? 0) + amount);
      }
    }
    for (const group of queue?.groups ?? []) {
      for (const entry of group.flavors) {
        for (const resource of entry.resources.keys()) {
          const k = usageKey(entry.name, resource);
          if (!usage.has(k)) usage.set(k, 0);
        }
      }
    }
    const status = recordOf(localQueue['status']);
    const active = queue !== undefined && !inactive.has(queue.name);
    const conditions = setStatusCondition(
      conditionsOf(status),
      active
        ? {
            type: 'Active',
            status: 'True',
            reason: 'Ready',
            message: 'Can submit new workloads to localQueue',
          }
        : {
            type: 'Active',
            status: 'False',
            reason: queue ? 'ClusterQueueIsInactive' : 'ClusterQueueDoesNotExist',
            message: "Can't submit new workloads to clusterQueue",
          },
      now,
    );
    const next = {
      ...status,
      conditions,
      pendingWorkloads: waiting.length,
      reservingWorkloads: holding.length,
      admittedWorkloads: holding.length,
      flavorsReservation: usageList(usage),
      flavorUsage: usageList(usage),
      flavors: (queue?.groups ?? []).flatMap((group) =>
        group.flavors.map((entry) => {
          const flavor = flavors.get(entry.name);
          return {
            name: entry.name,
            resources: [...entry.resources.keys()].sort(),
            ...(flavor && Object.keys(flavor.nodeLabels).length > 0
              ? { nodeLabels: flavor.nodeLabels }
              : {}),
            ...(flavor && flavor.nodeTaints.length > 0 ? { nodeTaints: flavor.nodeTaints } : {}),
          };
        }),
      ),
    };
    if (!sameJson(status, next))
      writeStatus(api, types.localQueues, namespace, name, next, localQueue.metadata?.uid);
  }
}
