import { type Static, Type } from 'typebox';

import { TeamName } from './adminSchemas.ts';
import { ClusterName, CreateClusterRequest } from './clusterSchemas.ts';

/**
 * Wire shapes of Serve on Raydeck: RayServices ("services" in the portal; a RayService keeps a
 * Ray Serve config running on a RayCluster it owns, with zero-downtime upgrades) and Serve
 * applications on an existing RayCluster. Statuses are KubeRay's and Ray Serve's own words.
 * @see /work/shared/reference/kuberay-api.md §1.5 RayService
 */

/** Serve application statuses (Ray Serve's ApplicationStatus, as KubeRay copies them). */
export const serveApplicationStatuses = [
  'NOT_STARTED',
  'DEPLOYING',
  'RUNNING',
  'DEPLOY_FAILED',
  'DELETING',
  'UNHEALTHY',
] as const;

/** KubeRay's upgrade strategies (`spec.upgradeStrategy.type`; no CRD enum, a controller check). */
export const upgradeStrategies = [
  'NewCluster',
  'NewClusterWithIncrementalUpgrade',
  'None',
] as const;
export const UpgradeStrategySchema = Type.Enum(upgradeStrategies);
export type UpgradeStrategy = Static<typeof UpgradeStrategySchema>;

/** Path parameters of `/api/v1/services/{team}/{name}`. */
export const ServiceParams = Type.Object({ team: TeamName, name: ClusterName });
export type ServiceParams = Static<typeof ServiceParams>;

/** One Serve deployment of an application. */
export const ServeDeploymentView = Type.Object(
  {
    name: Type.String(),
    /** `UPDATING`, `HEALTHY`, `UNHEALTHY` (KubeRay) or Serve's `DEPLOY_FAILED` etc. */
    status: Type.String(),
    message: Type.String(),
    /** Running replicas when the Serve REST API was reachable; absent otherwise. */
    replicas: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);

/** One Serve application on one of the service's clusters. */
export const ServeApplicationView = Type.Object(
  {
    name: Type.String(),
    status: Type.String(),
    message: Type.String(),
    /** From the Serve config (`route_prefix`), null when the app has no HTTP route. */
    routePrefix: Type.Union([Type.String(), Type.Null()]),
    importPath: Type.String(),
    deployments: Type.Array(ServeDeploymentView),
  },
  { additionalProperties: false },
);
export type ServeApplicationView = Static<typeof ServeApplicationView>;

/** The active or pending RayCluster of a service. */
export const ServiceClusterView = Type.Object(
  {
    role: Type.Union([Type.Literal('active'), Type.Literal('pending')]),
    name: Type.String(),
    /** Derived from the RayCluster's status: `ready`, or what it waits for. */
    state: Type.String(),
    workers: Type.Object({ ready: Type.Integer(), desired: Type.Integer() }),
    /** GPUs requested by its pods (head + desired workers). */
    gpus: Type.Number(),
    applications: Type.Array(ServeApplicationView),
  },
  { additionalProperties: false },
);
export type ServiceClusterView = Static<typeof ServiceClusterView>;

/** The service's state in a word, derived from conditions (KubeRay's `Ready`, `UpgradeInProgress`). */
export const serviceStates = [
  'Initializing',
  'Ready',
  'Upgrading',
  'Unhealthy',
  'Failed',
  'Suspended',
  'Deleting',
] as const;
export const ServiceStateSchema = Type.Enum(serviceStates);
export type ServiceState = Static<typeof ServiceStateSchema>;

/** One row of the services list. */
export const ServiceSummary = Type.Object(
  {
    team: Type.String(),
    name: Type.String(),
    uid: Type.String(),
    owner: Type.String(),
    template: Type.String(),
    createdAt: Type.String(),
    state: ServiceStateSchema,
    /** The Ready condition's reason (e.g. `NonZeroServeEndpoints`, `InitializingTimeout`). */
    reason: Type.String(),
    message: Type.String(),
    upgradeStrategy: UpgradeStrategySchema,
    upgradeInProgress: Type.Boolean(),
    applications: Type.Object({ running: Type.Integer(), total: Type.Integer() }),
    numServeEndpoints: Type.Integer(),
    gpus: Type.Number(),
    activeCluster: Type.Union([Type.String(), Type.Null()]),
    pendingCluster: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type ServiceSummary = Static<typeof ServiceSummary>;

export const ServiceList = Type.Object(
  { items: Type.Array(ServiceSummary) },
  { additionalProperties: false },
);
export type ServiceList = Static<typeof ServiceList>;

/** An app's HTTP endpoint. */
export const ServiceEndpoint = Type.Object(
  {
    application: Type.String(),
    routePrefix: Type.String(),
    /** `http://<s>-serve-svc.<ns>.svc.cluster.local:8000<prefix>` (from pods in the cluster). */
    inClusterUrl: Type.String(),
    /** The portal's "send a request" path (POST), for the owning team only. */
    portalRequestPath: Type.String(),
  },
  { additionalProperties: false },
);

/** One plain-language timeline entry (newest first). */
export const ServiceTimelineEntry = Type.Object(
  {
    at: Type.Optional(Type.String()),
    kind: Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('progress')]),
    text: Type.String(),
  },
  { additionalProperties: false },
);
export type ServiceTimelineEntry = Static<typeof ServiceTimelineEntry>;

export const ServiceDetail = Type.Object(
  {
    summary: ServiceSummary,
    serveConfigV2: Type.String(),
    clusters: Type.Array(ServiceClusterView),
    endpoints: Type.Array(ServiceEndpoint),
    /** "What is happening" sentences, derived from status and events. */
    timeline: Type.Array(ServiceTimelineEntry),
    /** Warnings from events (e.g. `FailedToGetOrCreateRayCluster`), newest first. */
    failures: Type.Array(Type.Object({ reason: Type.String(), message: Type.String() })),
    /** The cluster shape the service was created with (template fields), for the upgrade form. */
    cluster: Type.Object({
      template: Type.String(),
      rayVersion: Type.Optional(Type.String()),
      image: Type.Optional(Type.String()),
    }),
  },
  { additionalProperties: false },
);
export type ServiceDetail = Static<typeof ServiceDetail>;

/**
 * Body of `POST /api/v1/services` and `POST /api/v1/services/dry-run`: the cluster fields of a
 * cluster create (template, versions, worker groups, env: checked by the same rules and quotas)
 * plus the Serve config YAML and the upgrade strategy (default `NewCluster`).
 */
export const CreateServiceRequest = Type.Object(
  {
    ...CreateClusterRequest.properties,
    serveConfigV2: Type.String({ minLength: 1, maxLength: 65_536 }),
    upgradeStrategy: Type.Optional(UpgradeStrategySchema),
  },
  { additionalProperties: false },
);
export type CreateServiceRequest = Static<typeof CreateServiceRequest>;

/**
 * Body of `PUT /api/v1/services/{team}/{name}` (and its `/plan`): a new Serve config, and
 * optionally a new cluster shape. Only `serveConfigV2` changing: KubeRay updates the apps in
 * place; any `rayClusterConfig` change: a new cluster, then traffic switches (zero downtime),
 * unless the strategy is `None`.
 */
export const UpdateServiceRequest = Type.Object(
  {
    serveConfigV2: Type.String({ minLength: 1, maxLength: 65_536 }),
    rayVersion: Type.Optional(CreateClusterRequest.properties.rayVersion),
    image: Type.Optional(CreateClusterRequest.properties.image),
    workerGroups: Type.Optional(CreateClusterRequest.properties.workerGroups),
    env: Type.Optional(CreateClusterRequest.properties.env),
  },
  { additionalProperties: false },
);
export type UpdateServiceRequest = Static<typeof UpdateServiceRequest>;

/** What an update would do, said before the user confirms. */
export const ServiceUpdatePlan = Type.Object(
  {
    kind: Type.Union([
      Type.Literal('none'),
      Type.Literal('inPlace'),
      Type.Literal('newCluster'),
      Type.Literal('clusterUpdateIgnored'),
    ]),
    explanation: Type.String(),
    serveConfigChanged: Type.Boolean(),
    clusterChanged: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type ServiceUpdatePlan = Static<typeof ServiceUpdatePlan>;

/** A dry run's answer: the RayService as Kubernetes would store it. */
export const ServiceDryRunResult = Type.Object(
  {
    yaml: Type.String(),
    applications: Type.Array(
      Type.Object({
        name: Type.String(),
        importPath: Type.String(),
        routePrefix: Type.Union([Type.String(), Type.Null()]),
      }),
    ),
    gpus: Type.Number(),
  },
  { additionalProperties: false },
);
export type ServiceDryRunResult = Static<typeof ServiceDryRunResult>;

/** Size limit of a "send a request" body, in bytes (UTF-8). */
export const serviceRequestMaxBodyBytes = 65_536;

/** Body of `POST /api/v1/services/{team}/{name}/request`. */
export const ServiceRequestInput = Type.Object(
  {
    /** Path on the Serve HTTP proxy, e.g. `/hello?name=ada`; must start with `/`. */
    path: Type.String({ pattern: '^/[^\\s#]*$', maxLength: 2048 }),
    method: Type.Union([Type.Literal('GET'), Type.Literal('POST')]),
    contentType: Type.Optional(
      Type.Union([Type.Literal('text/plain'), Type.Literal('application/json')]),
    ),
    body: Type.Optional(Type.String({ maxLength: serviceRequestMaxBodyBytes })),
  },
  { additionalProperties: false },
);
export type ServiceRequestInput = Static<typeof ServiceRequestInput>;

export const ServiceRequestResult = Type.Object(
  {
    status: Type.Integer(),
    /** Milliseconds from sending to the last byte, measured by the portal. */
    latencyMs: Type.Number(),
    contentType: Type.String(),
    /** The answer as text, cut at `serviceRequestMaxBodyBytes`. */
    body: Type.String(),
    truncated: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type ServiceRequestResult = Static<typeof ServiceRequestResult>;

/** Body of `PUT /api/v1/clusters/{team}/{name}/serve/applications`: a Serve config YAML. */
export const ClusterServeDeployRequest = Type.Object(
  { serveConfig: Type.String({ minLength: 1, maxLength: 65_536 }) },
  { additionalProperties: false },
);
export type ClusterServeDeployRequest = Static<typeof ClusterServeDeployRequest>;
