import { type Static, Type } from 'typebox';

import { clusterPhases } from '../ray/clusterPhase.ts';
import { TeamName } from './adminSchemas.ts';
import { GroupExplanation } from './explanationSchemas.ts';
import { RayClusterObject } from './rayClusterObject.ts';

/**
 * Size limits of a create request, named so the web wizard checks the same numbers inline.
 * Cluster names stop at 53 characters because KubeRay appends suffixes to reach 63; replicas at
 * 1000 per group; idle timeout in seconds (10 s to a day); env value length in characters.
 */
export const clusterRequestLimits = {
  nameMaxLength: 53,
  groupNameMaxLength: 40,
  maxGroups: 8,
  maxReplicas: 1000,
  minIdleTimeoutSeconds: 10,
  maxIdleTimeoutSeconds: 86400,
  maxEnv: 64,
  maxEnvValueLength: 4096,
  maxVolumes: 8,
} as const;

/** DNS-1035 label, as KubeRay requires for RayCluster names (at most 53 characters). */
export const rayClusterNamePattern = '^[a-z]([-a-z0-9]*[a-z0-9])?$';
/** {@link rayClusterNamePattern} as a schema. */
export const ClusterName = Type.String({
  pattern: rayClusterNamePattern,
  minLength: 1,
  maxLength: clusterRequestLimits.nameMaxLength,
});
/** Path parameters of every `/api/v1/clusters/{team}/{name}` route. */
export const ClusterParams = Type.Object({ team: TeamName, name: ClusterName });

/** The phases of `deriveClusterPhase`, from the one list `clusterPhases` (lifecycle order). */
export const ClusterPhaseSchema = Type.Enum(clusterPhases);

/** How a cluster's head is reachable from outside Kubernetes. */
export const ExposureSchema = Type.Union([
  Type.Literal('ClusterIP'),
  Type.Literal('NodePort'),
  Type.Literal('LoadBalancer'),
  Type.Literal('Ingress'),
]);
export type Exposure = Static<typeof ExposureSchema>;

/** One row of the clusters list, kept up to date from the watch-fed cache. */
export const ClusterSummary = Type.Object(
  {
    namespace: Type.String(),
    name: Type.String(),
    uid: Type.String(),
    /** `raydeck` when created through Raydeck, `external` for any other RayCluster. */
    origin: Type.Union([Type.Literal('raydeck'), Type.Literal('external')]),
    owner: Type.Optional(Type.String()),
    template: Type.Optional(Type.String()),
    phase: ClusterPhaseSchema,
    reason: Type.String(),
    workers: Type.Object({ ready: Type.Integer(), desired: Type.Integer() }),
    gpus: Type.Object({ count: Type.Number(), products: Type.Array(Type.String()) }),
    rayVersion: Type.Optional(Type.String()),
    exposure: Type.Optional(Type.String()),
    createdAt: Type.String(),
    resourceVersion: Type.String(),
  },
  { additionalProperties: false },
);
export type ClusterSummary = Static<typeof ClusterSummary>;

/**
 * Columns the list can be sorted by (`sort`); ties fall back to newest first, then team and
 * name. `age` ascending is newest first, `phase` follows `clusterPhases`.
 */
export const clusterSortColumns = [
  'name',
  'phase',
  'team',
  'owner',
  'template',
  'workers',
  'gpus',
  'age',
] as const;
export const ClusterSortColumnSchema = Type.Enum(clusterSortColumns, {
  description: 'Column to sort by; default age (newest first).',
});
export type ClusterSortColumn = Static<typeof ClusterSortColumnSchema>;

/** Query of `GET /api/v1/clusters`. */
export const ClusterListQuery = Type.Object(
  {
    team: Type.Optional(
      Type.String({ ...TeamName, description: 'Namespace to list; default all visible.' }),
    ),
    phase: Type.Optional(ClusterPhaseSchema),
    gpuType: Type.Optional(
      Type.String({ description: 'GPU product label, e.g. NVIDIA-A100-SXM4-80GB.' }),
    ),
    q: Type.Optional(
      Type.String({ maxLength: 200, description: 'Text search in name, team, owner, template.' }),
    ),
    sort: Type.Optional(ClusterSortColumnSchema),
    order: Type.Optional(
      Type.Union([Type.Literal('asc'), Type.Literal('desc')], {
        description: 'asc (default) or desc; age asc is newest first.',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type ClusterListQuery = Static<typeof ClusterListQuery>;

/** A page of clusters. `total` counts every match; `nextCursor` fetches the next page. */
export const ClusterList = Type.Object(
  {
    items: Type.Array(ClusterSummary),
    total: Type.Integer(),
    nextCursor: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type ClusterList = Static<typeof ClusterList>;

/** A worker group in a create request. */
export const WorkerGroupInput = Type.Object(
  {
    name: Type.String({
      pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
      maxLength: clusterRequestLimits.groupNameMaxLength,
    }),
    replicas: Type.Integer({ minimum: 0, maximum: clusterRequestLimits.maxReplicas }),
    minReplicas: Type.Optional(
      Type.Integer({ minimum: 0, maximum: clusterRequestLimits.maxReplicas }),
    ),
    maxReplicas: Type.Optional(
      Type.Integer({ minimum: 0, maximum: clusterRequestLimits.maxReplicas }),
    ),
  },
  { additionalProperties: false },
);
export type WorkerGroupInput = Static<typeof WorkerGroupInput>;

/** Body of `POST /api/v1/clusters` (and of the YAML preview). */
export const CreateClusterRequest = Type.Object(
  {
    name: ClusterName,
    team: Type.String({ ...TeamName, description: 'Team namespace.' }),
    template: Type.String({ minLength: 1 }),
    rayVersion: Type.Optional(Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+$' })),
    image: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    workerGroups: Type.Optional(
      Type.Array(WorkerGroupInput, { minItems: 1, maxItems: clusterRequestLimits.maxGroups }),
    ),
    autoscaling: Type.Optional(
      Type.Object(
        {
          enabled: Type.Boolean(),
          idleTimeoutSeconds: Type.Optional(
            Type.Integer({
              minimum: clusterRequestLimits.minIdleTimeoutSeconds,
              maximum: clusterRequestLimits.maxIdleTimeoutSeconds,
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    env: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
            value: Type.String({ maxLength: clusterRequestLimits.maxEnvValueLength }),
          },
          { additionalProperties: false },
        ),
        { maxItems: clusterRequestLimits.maxEnv },
      ),
    ),
    volumes: Type.Optional(
      Type.Array(
        Type.Object(
          { claimName: Type.String({ minLength: 1 }), mountPath: Type.String({ pattern: '^/' }) },
          { additionalProperties: false },
        ),
        { maxItems: clusterRequestLimits.maxVolumes },
      ),
    ),
    exposure: Type.Optional(ExposureSchema),
    ingressHost: Type.Optional(Type.String({ pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        name: 'train-a100',
        team: 'team-a',
        template: 'a100-1',
        rayVersion: '2.52.0',
        workerGroups: [{ name: 'workers', replicas: 2 }],
        env: [{ name: 'WANDB_PROJECT', value: 'llm-finetune' }],
      },
    ],
  },
);
export type CreateClusterRequest = Static<typeof CreateClusterRequest>;

/** Body of `POST /api/v1/clusters/{team}/{name}/scale`. */
export const ScaleRequest = Type.Object(
  {
    group: Type.String({ minLength: 1 }),
    replicas: Type.Integer({ minimum: 0, maximum: 1000 }),
    minReplicas: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    maxReplicas: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  },
  { additionalProperties: false, examples: [{ group: 'workers', replicas: 3, maxReplicas: 4 }] },
);
export type ScaleRequest = Static<typeof ScaleRequest>;

/** A created (or previewed) cluster: its summary and the manifest sent to Kubernetes. */
export const ClusterManifestResponse = Type.Object(
  { summary: Type.Optional(ClusterSummary), manifest: RayClusterObject, yaml: Type.String() },
  { additionalProperties: false },
);
export type ClusterManifestResponse = Static<typeof ClusterManifestResponse>;

/** Everything the detail page shows about one cluster. */
export const ClusterDetail = Type.Object(
  {
    summary: ClusterSummary,
    /** The RayCluster as stored in Kubernetes. */
    resource: RayClusterObject,
    /** "Why pending": one entry per group, head first (`explainCluster`). */
    explanation: Type.Array(GroupExplanation),
    pods: Type.Array(
      Type.Object({
        name: Type.String(),
        group: Type.String(),
        node: Type.Optional(Type.String()),
        phase: Type.String(),
        ready: Type.Boolean(),
        gpus: Type.Number(),
        restarts: Type.Integer(),
        reason: Type.Optional(Type.String()),
      }),
    ),
    events: Type.Array(
      Type.Object({
        type: Type.String(),
        reason: Type.String(),
        message: Type.String(),
        object: Type.String(),
        count: Type.Integer(),
        lastSeen: Type.Optional(Type.String()),
      }),
    ),
    endpoints: Type.Object({
      dashboardUrl: Type.String(),
      proxyPath: Type.String(),
      clientAddress: Type.String(),
      jobsApiAddress: Type.String(),
      jobSubmitExample: Type.String(),
    }),
  },
  { additionalProperties: false },
);
export type ClusterDetail = Static<typeof ClusterDetail>;
