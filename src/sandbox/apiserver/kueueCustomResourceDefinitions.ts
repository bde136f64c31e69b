import {
  boolean,
  conditions,
  dateTime,
  int32,
  int64,
  labelSelector,
  list,
  mapOf,
  object,
  oneOfStrings,
  podTemplateSpec,
  quantity,
  string,
  stringMap,
  strings,
} from './rayCustomResourceDefinitions.ts';
import type { CustomResourceDefinition } from './resourceRegistry.ts';
import type { PrinterColumn } from './resourceType.ts';
import type { JsonSchemaProps } from './structuralSchema.ts';

// The kueue.x-k8s.io CustomResourceDefinitions the sandbox installs when its world runs the
// simulated Kueue: ResourceFlavor, ClusterQueue, LocalQueue and Workload, version v1beta1,
// written from the facts of the upstream CRDs (kubernetes-sigs/kueue after v0.19.2, read in
// place by the tests): names, short names, scope, status subresource, printer columns, enums
// and defaults. Upstream also serves v1beta2 (its storage version, with renamed fields such as
// `cohortName`); the sandbox serves v1beta1 only (docs/sandbox-kueue.md).

type Schema = JsonSchemaProps;

/** The Kueue API group. */
export const kueueGroup = 'kueue.x-k8s.io';

/** The one version the sandbox serves. */
export const kueueVersion = 'v1beta1';

const taint = object(
  { effect: string(), key: string(), timeAdded: dateTime, value: string() },
  { required: ['effect', 'key'] },
);

const toleration = object({
  effect: string(),
  key: string(),
  operator: string(),
  tolerationSeconds: int64(),
  value: string(),
});

const resourceFlavorSpec = object({
  nodeLabels: stringMap,
  nodeTaints: list(taint, { type: 'atomic' }),
  tolerations: list(toleration, { type: 'atomic' }),
  topologyName: string(),
});

const resourceQuota = object(
  { borrowingLimit: quantity, lendingLimit: quantity, name: string(), nominalQuota: quantity },
  { required: ['name', 'nominalQuota'] },
);

const flavorQuotas = object(
  {
    name: string({ maxLength: 253 }),
    resources: list(resourceQuota, { type: 'map', keys: ['name'], minItems: 1 }),
  },
  { required: ['name', 'resources'] },
);

const resourceGroup = object(
  {
    coveredResources: strings(),
    flavors: list(flavorQuotas, { type: 'map', keys: ['name'], minItems: 1 }),
  },
  { required: ['coveredResources', 'flavors'] },
);

const clusterQueuePreemption = object(
  {
    borrowWithinCohort: object(
      {
        maxPriorityThreshold: int32(),
        policy: oneOfStrings(['Never', 'LowerPriority'], { default: 'Never' }),
      },
      {},
    ),
    reclaimWithinCohort: oneOfStrings(['Never', 'LowerPriority', 'Any'], { default: 'Never' }),
    withinClusterQueue: oneOfStrings(['Never', 'LowerPriority', 'LowerOrNewerEqualPriority'], {
      default: 'Never',
    }),
  },
  {},
);

const clusterQueueSpec = object({
  admissionChecks: strings(),
  cohort: string({ maxLength: 253 }),
  flavorFungibility: object({
    whenCanBorrow: oneOfStrings(['MayStopSearch', 'TryNextFlavor', 'Borrow'], {
      default: 'MayStopSearch',
    }),
    whenCanPreempt: oneOfStrings(['MayStopSearch', 'TryNextFlavor', 'Preempt'], {
      default: 'TryNextFlavor',
    }),
  }),
  namespaceSelector: labelSelector,
  preemption: clusterQueuePreemption,
  queueingStrategy: oneOfStrings(['StrictFIFO', 'BestEffortFIFO'], { default: 'BestEffortFIFO' }),
  resourceGroups: list(resourceGroup, { type: 'atomic' }),
  stopPolicy: oneOfStrings(['None', 'Hold', 'HoldAndDrain'], { default: 'None' }),
});

const resourceUsage = object(
  { borrowed: quantity, name: string(), total: quantity },
  { required: ['name'] },
);

const flavorUsage = object(
  { name: string(), resources: list(resourceUsage, { type: 'map', keys: ['name'] }) },
  { required: ['name', 'resources'] },
);

const clusterQueueStatus = object({
  admittedWorkloads: int32(),
  conditions,
  flavorsReservation: list(flavorUsage, { type: 'map', keys: ['name'] }),
  flavorsUsage: list(flavorUsage, { type: 'map', keys: ['name'] }),
  pendingWorkloads: int32(),
  pendingWorkloadsStatus: object(
    {
      clusterQueuePendingWorkload: list(
        object({ name: string(), namespace: string() }, { required: ['name', 'namespace'] }),
        { type: 'atomic' },
      ),
      lastChangeTime: dateTime,
    },
    { required: ['lastChangeTime'] },
  ),
  reservingWorkloads: int32(),
});

const localQueueSpec = object({
  clusterQueue: string({ maxLength: 253 }),
  stopPolicy: oneOfStrings(['None', 'Hold', 'HoldAndDrain'], { default: 'None' }),
});

const localFlavorUsage = object(
  {
    name: string(),
    resources: list(object({ name: string(), total: quantity }, { required: ['name'] }), {
      type: 'map',
      keys: ['name'],
    }),
  },
  { required: ['name', 'resources'] },
);

const localQueueStatus = object({
  admittedWorkloads: int32(),
  conditions,
  flavorUsage: list(localFlavorUsage, { type: 'map', keys: ['name'] }),
  flavors: list(
    object(
      {
        name: string(),
        nodeLabels: stringMap,
        nodeTaints: list(taint, { type: 'atomic' }),
        resources: strings('set'),
      },
      { required: ['name'] },
    ),
    { type: 'map', keys: ['name'] },
  ),
  flavorsReservation: list(localFlavorUsage, { type: 'map', keys: ['name'] }),
  pendingWorkloads: int32(),
  reservingWorkloads: int32(),
});

const podSet = object(
  {
    count: int32({ default: 1, minimum: 0 }),
    minCount: int32({ minimum: 1 }),
    name: string({ default: 'main', maxLength: 63 }),
    template: podTemplateSpec,
  },
  { required: ['count', 'template'] },
);

const workloadSpec = object(
  {
    active: { ...boolean, default: true },
    maximumExecutionTimeSeconds: int32({ minimum: 1 }),
    podSets: list(podSet, { type: 'map', keys: ['name'], minItems: 1 }),
    priority: int32(),
    priorityClassName: string(),
    priorityClassSource: oneOfStrings(
      ['kueue.x-k8s.io/workloadpriorityclass', 'scheduling.k8s.io/priorityclass', ''],
      { default: '' },
    ),
    queueName: string({ maxLength: 253 }),
  },
  { required: ['podSets'] },
);

const podSetAssignment = object(
  {
    count: int32({ minimum: 0 }),
    flavors: stringMap,
    name: string({ default: 'main' }),
    resourceUsage: mapOf(quantity),
  },
  { required: ['name'] },
);

const workloadStatus = object({
  accumulatedPastExexcutionTimeSeconds: int32(),
  admission: object(
    {
      clusterQueue: string(),
      podSetAssignments: list(podSetAssignment, { type: 'map', keys: ['name'] }),
    },
    { required: ['clusterQueue', 'podSetAssignments'] },
  ),
  conditions,
  requeueState: object({ count: int32({ minimum: 0 }), requeueAt: dateTime }),
  resourceRequests: list(
    object({ name: string(), resources: mapOf(quantity) }, { required: ['name'] }),
    { type: 'map', keys: ['name'] },
  ),
  schedulingStats: object({
    evictions: list(
      object(
        { count: int32({ minimum: 0 }), reason: string(), underlyingCause: string() },
        { required: ['count', 'reason', 'underlyingCause'] },
      ),
      { type: 'map', keys: ['reason', 'underlyingCause'] },
    ),
  }),
});

function kueueCrd(input: {
  kind: string;
  plural: string;
  shortNames: string[];
  scope: 'Namespaced' | 'Cluster';
  spec: Schema;
  status?: Schema;
  columns: PrinterColumn[];
}): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${input.plural}.${kueueGroup}` },
    spec: {
      group: kueueGroup,
      scope: input.scope,
      names: {
        kind: input.kind,
        listKind: `${input.kind}List`,
        plural: input.plural,
        singular: input.kind.toLowerCase(),
        shortNames: input.shortNames,
      },
      versions: [
        {
          name: kueueVersion,
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: object({
              apiVersion: string(),
              kind: string(),
              metadata: { type: 'object' },
              spec: input.spec,
              ...(input.status ? { status: input.status } : {}),
            }),
          },
          ...(input.status ? { subresources: { status: {} } } : {}),
          ...(input.columns.length > 0 ? { additionalPrinterColumns: input.columns } : {}),
        },
      ],
    },
  };
}

/**
 * ResourceFlavor, ClusterQueue, LocalQueue and Workload at kueue.x-k8s.io/v1beta1 with the
 * upstream names, short names, scopes and printer columns (ResourceFlavor has none upstream,
 * so kubectl shows NAME and AGE).
 */
export const kueueCustomResourceDefinitions: readonly CustomResourceDefinition[] = [
  kueueCrd({
    kind: 'ResourceFlavor',
    plural: 'resourceflavors',
    shortNames: ['flavor', 'flavors', 'rf'],
    scope: 'Cluster',
    spec: resourceFlavorSpec,
    columns: [],
  }),
  kueueCrd({
    kind: 'ClusterQueue',
    plural: 'clusterqueues',
    shortNames: ['cq'],
    scope: 'Cluster',
    spec: clusterQueueSpec,
    status: clusterQueueStatus,
    columns: [
      {
        name: 'Cohort',
        type: 'string',
        jsonPath: '.spec.cohort',
        description: 'Cohort that this ClusterQueue belongs to',
      },
      {
        name: 'Strategy',
        type: 'string',
        jsonPath: '.spec.queueingStrategy',
        priority: 1,
        description: 'The queueing strategy used to prioritize workloads',
      },
      {
        name: 'Pending Workloads',
        type: 'integer',
        jsonPath: '.status.pendingWorkloads',
        description: 'Number of pending workloads',
      },
      {
        name: 'Admitted Workloads',
        type: 'integer',
        jsonPath: '.status.admittedWorkloads',
        priority: 1,
        description: "Number of admitted workloads that haven't finished yet",
      },
    ],
  }),
  kueueCrd({
    kind: 'LocalQueue',
    plural: 'localqueues',
    shortNames: ['queue', 'queues', 'lq'],
    scope: 'Namespaced',
    spec: localQueueSpec,
    status: localQueueStatus,
    columns: [
      {
        name: 'ClusterQueue',
        type: 'string',
        jsonPath: '.spec.clusterQueue',
        description: 'Backing ClusterQueue',
      },
      {
        name: 'Pending Workloads',
        type: 'integer',
        jsonPath: '.status.pendingWorkloads',
        description: 'Number of pending workloads',
      },
      {
        name: 'Admitted Workloads',
        type: 'integer',
        jsonPath: '.status.admittedWorkloads',
        description: "Number of admitted workloads that haven't finished yet.",
      },
    ],
  }),
  kueueCrd({
    kind: 'Workload',
    plural: 'workloads',
    shortNames: ['kwl', 'kueueworkload', 'kueueworkloads'],
    scope: 'Namespaced',
    spec: workloadSpec,
    status: workloadStatus,
    columns: [
      {
        name: 'Queue',
        type: 'string',
        jsonPath: '.spec.queueName',
        description: 'Name of the queue this workload was submitted to',
      },
      {
        name: 'Reserved in',
        type: 'string',
        jsonPath: '.status.admission.clusterQueue',
        description: 'Name of the ClusterQueue where the workload is reserving quota',
      },
      {
        name: 'Admitted',
        type: 'string',
        jsonPath: ".status.conditions[?(@.type=='Admitted')].status",
        description: 'Admission status',
      },
      {
        name: 'Finished',
        type: 'string',
        jsonPath: ".status.conditions[?(@.type=='Finished')].status",
        description: 'Workload finished',
      },
      {
        name: 'Age',
        type: 'date',
        jsonPath: '.metadata.creationTimestamp',
        description: 'Time this workload was created',
      },
    ],
  }),
];
