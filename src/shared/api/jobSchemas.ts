import { type Static, Type } from 'typebox';

import { TeamName } from './adminSchemas.ts';
import { ClusterName, CreateClusterRequest } from './clusterSchemas.ts';

/**
 * Wire schemas of Jobs (`/api/v1/jobs…`, `/api/v1/catalog…`, package upload). One jobs model covers
 * both kinds of Ray work:
 * - `rayjob`: a KubeRay RayJob custom resource (its own cluster from a template, or an existing
 *   cluster through `clusterSelector`), watched through the portal's informer;
 * - `submission`: a job submitted to a running cluster's Ray Jobs API (`POST /api/jobs/`), by the
 *   portal or by anyone else (`ray job submit` through the dashboard proxy): the capture loop
 *   finds every submission on a cluster it can reach.
 * The portal stores each job and its log as they happen, so a job outlives its cluster.
 */

/** Limits of a submit request, named so the web form checks the same numbers inline. */
export const jobRequestLimits = {
  /** Ray accepts any length; the portal stores and shows at most this many characters. */
  entrypointMaxLength: 4096,
  /** RayJob names are DNS-1035 labels of at most 47 characters (KubeRay appends suffixes). */
  rayJobNameMaxLength: 47,
  submissionIdMaxLength: 128,
  maxPip: 64,
  maxEnvVars: 64,
  maxEnvValueLength: 4096,
  maxMetadata: 32,
  maxCustomResources: 16,
} as const;

/** The two kinds of job. */
export const jobKinds = ['rayjob', 'submission'] as const;
export const JobKindSchema = Type.Enum(jobKinds);
export type JobKind = Static<typeof JobKindSchema>;

/**
 * Ray's own job status (`JobStatus` of the Ray Jobs API, RayJob `status.jobStatus`); absent while
 * Ray has not seen the job yet (RayJob `""`, New). Terminal: STOPPED, SUCCEEDED, FAILED.
 */
export const rayJobStatuses = ['PENDING', 'RUNNING', 'STOPPED', 'SUCCEEDED', 'FAILED'] as const;
export const RayJobStatusSchema = Type.Enum(rayJobStatuses);
export type RayJobStatus = Static<typeof RayJobStatusSchema>;

/** KubeRay's RayJob `status.jobDeploymentStatus` (absent for submissions and for New, `""`). */
export const jobDeploymentStatuses = [
  'Initializing',
  'Running',
  'Complete',
  'Failed',
  'ValidationFailed',
  'Suspending',
  'Suspended',
  'Retrying',
  'Waiting',
] as const;
export const JobDeploymentStatusSchema = Type.Enum(jobDeploymentStatuses);
export type JobDeploymentStatus = Static<typeof JobDeploymentStatusSchema>;

/**
 * The portal's one phase per job, derived from Ray's and KubeRay's states (lifecycle order):
 * `Waiting` (RayJob: its cluster is being created or is not ready; Kueue suspended), `Pending` (Ray
 * has the job: runtime env, resources), `Running`, then terminal `Succeeded`, `Failed`, `Stopped`;
 * `Lost` when the cluster went away before the portal saw the job end.
 */
export const jobPhases = [
  'Waiting',
  'Pending',
  'Running',
  'Succeeded',
  'Failed',
  'Stopped',
  'Lost',
] as const;
export const JobPhaseSchema = Type.Enum(jobPhases);
export type JobPhase = Static<typeof JobPhaseSchema>;
/** Phases after which nothing changes any more. */
export const terminalJobPhases: readonly JobPhase[] = ['Succeeded', 'Failed', 'Stopped', 'Lost'];

/** A Ray submission id: Ray accepts any string; the portal allows URL- and label-safe ones. */
export const SubmissionId = Type.String({
  pattern: '^[A-Za-z0-9][-A-Za-z0-9_.]*$',
  minLength: 1,
  maxLength: jobRequestLimits.submissionIdMaxLength,
});

/** The portal's id of a job, unique within its team (path segment of every job route). */
export const JobId = Type.String({
  pattern: '^[a-z0-9][-a-z0-9_.]*$',
  minLength: 1,
  maxLength: 160,
});
/** Path parameters of every `/api/v1/jobs/{team}/{id}` route. */
export const JobParams = Type.Object(
  { team: TeamName, id: JobId },
  { additionalProperties: false },
);
export type JobParams = Static<typeof JobParams>;

/** Status of a job: the portal's phase and the states and words of Ray and KubeRay it came from. */
export const JobStatusSchema = Type.Object(
  {
    phase: JobPhaseSchema,
    /** Ray's job status; absent before Ray has the job. */
    rayStatus: Type.Optional(RayJobStatusSchema),
    /** KubeRay's deployment status (RayJobs only). */
    deploymentStatus: Type.Optional(JobDeploymentStatusSchema),
    /** KubeRay `status.reason` (e.g. `DeadlineExceeded`, `SubmissionFailed`) or Ray `error_type`. */
    reason: Type.Optional(Type.String()),
    /** Ray's or KubeRay's message, verbatim. */
    message: Type.Optional(Type.String()),
    /** Exit code of the entrypoint, when Ray reports it. */
    exitCode: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);
export type JobStatus = Static<typeof JobStatusSchema>;

/**
 * What a runtime env does, without its values (env var values may be secrets): the list shows it,
 * the detail has the full runtime env for the team.
 */
export const RuntimeEnvSummary = Type.Object(
  {
    /** `gcs://_ray_pkg_<hash>.zip` (uploaded working dir) or a remote zip URL. */
    workingDir: Type.Optional(Type.String()),
    pip: Type.Array(Type.String()),
    envVarNames: Type.Array(Type.String()),
    /** Other runtime_env keys present (e.g. `conda`, `py_modules`), by name. */
    otherKeys: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);
export type RuntimeEnvSummary = Static<typeof RuntimeEnvSummary>;

/** Entrypoint resources (`entrypoint_num_cpus`, `entrypoint_num_gpus`, …) of a submission. */
export const EntrypointResources = Type.Object(
  {
    numCpus: Type.Optional(Type.Number({ minimum: 0, maximum: 1024 })),
    numGpus: Type.Optional(Type.Number({ minimum: 0, maximum: 64 })),
    /** Bytes of memory for the driver (Ray wants an integer). */
    memoryBytes: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Custom Ray resources, name → amount (numbers only, as Ray requires). */
    resources: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[A-Za-z][-A-Za-z0-9_./:]*$', maxLength: 128 }),
        Type.Number({ minimum: 0 }),
        {
          maxProperties: jobRequestLimits.maxCustomResources,
        },
      ),
    ),
  },
  { additionalProperties: false },
);
export type EntrypointResources = Static<typeof EntrypointResources>;

/** Stored log of a job: the last `jobLogMaxBytes` of it are kept (compressed) by the portal. */
export const JobLogInfo = Type.Object(
  {
    /** Bytes the job has written so far (UTF-8). */
    totalBytes: Type.Integer({ minimum: 0 }),
    /** Offset of the first byte still stored; > 0 when the start was dropped to stay in budget. */
    storedFrom: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type JobLogInfo = Static<typeof JobLogInfo>;

/** One row of the jobs list. */
export const JobSummary = Type.Object(
  {
    id: JobId,
    team: Type.String(),
    kind: JobKindSchema,
    /** Ray cluster the job runs on; absent while a RayJob's cluster has no name yet. */
    cluster: Type.Optional(Type.String()),
    /** RayJob name (kind `rayjob`). */
    rayJobName: Type.Optional(Type.String()),
    /** Ray submission id, once known. */
    submissionId: Type.Optional(Type.String()),
    /** Portal user who submitted it; absent for jobs submitted around the portal. */
    owner: Type.Optional(Type.String()),
    /** `raydeck` when submitted through the portal's Jobs API, `external` otherwise. */
    origin: Type.Union([Type.Literal('raydeck'), Type.Literal('external')]),
    /** Catalog entry id, when run from the catalog. */
    catalogId: Type.Optional(Type.String()),
    /** Template of a RayJob's own cluster. */
    template: Type.Optional(Type.String()),
    entrypoint: Type.String(),
    runtimeEnv: RuntimeEnvSummary,
    status: JobStatusSchema,
    /** ISO 8601 UTC times. */
    createdAt: Type.String(),
    startedAt: Type.Optional(Type.String()),
    endedAt: Type.Optional(Type.String()),
    updatedAt: Type.String(),
    /** GPUs the job holds while running (entrypoint GPUs, or the RayJob cluster's GPUs). */
    gpus: Type.Number({ minimum: 0 }),
    /** GPUs × seconds running, up to now (or the end). */
    gpuSeconds: Type.Number({ minimum: 0 }),
    log: JobLogInfo,
    /** True once the cluster (or RayJob) is gone; the record and log stay. */
    clusterGone: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type JobSummary = Static<typeof JobSummary>;

/** One entry of a job's timeline: a status the portal saw, when it saw it. */
export const JobTimelineEntry = Type.Object(
  {
    at: Type.String(),
    status: JobStatusSchema,
  },
  { additionalProperties: false },
);
export type JobTimelineEntry = Static<typeof JobTimelineEntry>;

/**
 * "Why is it not running", in the same plain style as a cluster's "why pending": one code and one
 * sentence. Absent when the job runs or ended normally.
 */
export const jobWhyCodes = [
  'waiting-for-cluster',
  'pending-resources',
  'runtime-env',
  'submitter-failed',
  'deadline-exceeded',
  'validation-failed',
  'suspended',
  'cluster-gone',
  'failed',
] as const;
export const JobWhy = Type.Object(
  { code: Type.Enum(jobWhyCodes), message: Type.String() },
  { additionalProperties: false },
);
export type JobWhy = Static<typeof JobWhy>;

/** RayJob lifecycle settings (KubeRay RayJob spec). */
export const RayJobLifecycle = Type.Object(
  {
    /** Delete the RayJob's cluster once the job ends; default true. */
    shutdownAfterJobFinishes: Type.Optional(Type.Boolean()),
    /** Seconds after the end before the cluster goes (needs shutdownAfterJobFinishes). */
    ttlSecondsAfterFinished: Type.Optional(Type.Integer({ minimum: 0, maximum: 604800 })),
    /** Seconds from start before KubeRay fails the job with `DeadlineExceeded`. */
    activeDeadlineSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 2592000 })),
    /** Retries, each on a new cluster; default 0. */
    backoffLimit: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
  },
  { additionalProperties: false },
);
export type RayJobLifecycle = Static<typeof RayJobLifecycle>;

/** Everything the job page shows. */
export const JobDetail = Type.Object(
  {
    summary: JobSummary,
    timeline: Type.Array(JobTimelineEntry),
    why: Type.Optional(JobWhy),
    /** The runtime env as submitted or as Ray reports it: Ray's `runtime_env` as JSON text. */
    runtimeEnvJson: Type.String(),
    entrypointResources: EntrypointResources,
    metadata: Type.Record(Type.String(), Type.String()),
    /** RayJob lifecycle settings (kind `rayjob`). */
    lifecycle: Type.Optional(RayJobLifecycle),
  },
  { additionalProperties: false },
);
export type JobDetail = Static<typeof JobDetail>;

/** Query of `GET /api/v1/jobs`. */
export const JobListQuery = Type.Object(
  {
    team: Type.Optional(TeamName),
    cluster: Type.Optional(Type.String({ maxLength: 63 })),
    status: Type.Optional(JobPhaseSchema),
    owner: Type.Optional(Type.String({ maxLength: 128 })),
    kind: Type.Optional(JobKindSchema),
    q: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'Text search in entrypoint, submission id, RayJob name, cluster, owner.',
      }),
    ),
    /** Newest first. */
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type JobListQuery = Static<typeof JobListQuery>;

/** A page of jobs, newest first. `total` counts every match; `nextCursor` fetches the next page. */
export const JobList = Type.Object(
  {
    items: Type.Array(JobSummary),
    total: Type.Integer(),
    nextCursor: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type JobList = Static<typeof JobList>;

/** The parts of a Ray runtime env the portal's forms offer (everything else: `ray job submit`). */
export const RuntimeEnvInput = Type.Object(
  {
    /**
     * `gcs://_ray_pkg_<hash>.zip` from `POST /api/v1/clusters/{team}/{name}/packages`, or an
     * `https://` zip URL.
     */
    workingDir: Type.Optional(
      Type.String({ pattern: '^(gcs://_ray_pkg_[0-9a-f]{16,64}\\.zip|https://[^\\s]+\\.zip)$' }),
    ),
    pip: Type.Optional(
      Type.Array(
        Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9][^\\s;|&`$]*$' }),
        {
          maxItems: jobRequestLimits.maxPip,
        },
      ),
    ),
    envVars: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', maxLength: 128 }),
        Type.String({ maxLength: jobRequestLimits.maxEnvValueLength }),
        { maxProperties: jobRequestLimits.maxEnvVars },
      ),
    ),
  },
  { additionalProperties: false },
);
export type RuntimeEnvInput = Static<typeof RuntimeEnvInput>;

const jobFields = {
  entrypoint: Type.String({ minLength: 1, maxLength: jobRequestLimits.entrypointMaxLength }),
  runtimeEnv: Type.Optional(RuntimeEnvInput),
  entrypointResources: Type.Optional(EntrypointResources),
  metadata: Type.Optional(
    Type.Record(Type.String({ maxLength: 128 }), Type.String({ maxLength: 1024 }), {
      maxProperties: jobRequestLimits.maxMetadata,
    }),
  ),
};

/** Body of `POST /api/v1/jobs/submissions`: a job on a running cluster, through its Ray Jobs API. */
export const SubmitToClusterRequest = Type.Object(
  {
    team: TeamName,
    cluster: ClusterName,
    /** Ray submission id; the portal generates `raysubmit_…` when absent. 409 when taken. */
    submissionId: Type.Optional(SubmissionId),
    ...jobFields,
  },
  {
    additionalProperties: false,
    examples: [
      {
        team: 'team-a',
        cluster: 'train-a100',
        entrypoint: 'python train.py --epochs 3',
        runtimeEnv: { workingDir: 'gcs://_ray_pkg_0123456789abcdef.zip', pip: ['torch'] },
        entrypointResources: { numGpus: 1 },
      },
    ],
  },
);
export type SubmitToClusterRequest = Static<typeof SubmitToClusterRequest>;

/** RayJob name: DNS-1035 label of at most 47 characters. */
export const RayJobName = Type.String({
  pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$',
  minLength: 1,
  maxLength: jobRequestLimits.rayJobNameMaxLength,
});

/**
 * The cluster part of a RayJob submit: a cluster create request without its name and team (the
 * cluster is named by KubeRay after the RayJob), checked by the same template and quota rules.
 */
export const RayJobClusterInput = Type.Omit(CreateClusterRequest, ['name', 'team']);
export type RayJobClusterInput = Static<typeof RayJobClusterInput>;

/** Body of `POST /api/v1/jobs/rayjobs`: a RayJob on a new cluster from a template. */
export const SubmitRayJobRequest = Type.Object(
  {
    team: TeamName,
    name: RayJobName,
    submissionId: Type.Optional(SubmissionId),
    cluster: RayJobClusterInput,
    ...jobFields,
    ...RayJobLifecycle.properties,
  },
  {
    additionalProperties: false,
    examples: [
      {
        team: 'team-a',
        name: 'gpu-check',
        cluster: { template: 'rtx4090-1' },
        entrypoint: 'python gpu_check.py',
        shutdownAfterJobFinishes: true,
        ttlSecondsAfterFinished: 60,
      },
    ],
  },
);
export type SubmitRayJobRequest = Static<typeof SubmitRayJobRequest>;

/**
 * Body of `POST /api/v1/jobs/catalog`: run a catalog workload with its declared entrypoint,
 * resources and runtime env, either on a running cluster (`cluster`) or as a RayJob on a new
 * cluster from `template` (exactly one of the two; 400 names `cluster` otherwise).
 */
export const SubmitCatalogRequest = Type.Object(
  {
    team: TeamName,
    catalogId: Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 }),
    cluster: Type.Optional(ClusterName),
    template: Type.Optional(Type.String({ minLength: 1 })),
    /** RayJob name when `template` is given; default `<catalogId>-<random 5>`. */
    name: Type.Optional(RayJobName),
  },
  {
    additionalProperties: false,
    examples: [{ team: 'team-a', catalogId: 'gpu-check', template: 'rtx4090-1' }],
  },
);
export type SubmitCatalogRequest = Static<typeof SubmitCatalogRequest>;

/** `GET /api/v1/jobs/{team}/{id}/resubmit`: the request that submits this job again, to edit. */
export const ResubmitResponse = Type.Object(
  {
    kind: JobKindSchema,
    submission: Type.Optional(SubmitToClusterRequest),
    rayJob: Type.Optional(SubmitRayJobRequest),
  },
  { additionalProperties: false },
);
export type ResubmitResponse = Static<typeof ResubmitResponse>;

/**
 * Answer of `POST /api/v1/clusters/{team}/{name}/packages` (body: the zip, `application/zip`):
 * the package was stored on the head as Ray's SDK does it (`PUT /api/packages/gcs/<name>`);
 * put `uri` into `runtimeEnv.workingDir`.
 */
export const PackageUploadResponse = Type.Object(
  {
    uri: Type.String({ pattern: '^gcs://_ray_pkg_[0-9a-f]{16,64}\\.zip$' }),
    sizeBytes: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type PackageUploadResponse = Static<typeof PackageUploadResponse>;

/** Query of `GET /api/v1/jobs/{team}/{id}/log`: a byte range of the stored log. */
export const JobLogQuery = Type.Object(
  {
    /** First byte (UTF-8 offset into the whole log); default: `storedFrom`, or the tail. */
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Bytes at most (default 1 MiB, at most 8 MiB). */
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 8388608 })),
    /** Instead of `offset`: the last `tail` bytes. */
    tail: Type.Optional(Type.Integer({ minimum: 1, maximum: 8388608 })),
  },
  { additionalProperties: false },
);
export type JobLogQuery = Static<typeof JobLogQuery>;

/**
 * A piece of a job's log. `offset` is where `text` starts in the whole log; `nextOffset` where the
 * next piece starts. Offsets count UTF-8 bytes; a chunk never splits a character.
 */
export const JobLogChunk = Type.Object(
  {
    offset: Type.Integer({ minimum: 0 }),
    nextOffset: Type.Integer({ minimum: 0 }),
    text: Type.String(),
    totalBytes: Type.Integer({ minimum: 0 }),
    storedFrom: Type.Integer({ minimum: 0 }),
    /** True when the job has ended and `nextOffset` is the end: nothing more will come. */
    complete: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type JobLogChunk = Static<typeof JobLogChunk>;

/** Data of `log` on the job stream: new log text, in order, without gaps unless `gap` says so. */
export const JobLogEvent = Type.Object(
  { offset: Type.Integer({ minimum: 0 }), text: Type.String() },
  { additionalProperties: false },
);
/** Data of `gap`: bytes `from`..`to` were dropped (stored budget exceeded before the viewer read them). */
export const JobGapEvent = Type.Object(
  { from: Type.Integer({ minimum: 0 }), to: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);
/** Data of `end`: the job is terminal and its whole log was sent; the server closes the stream. */
export const JobEndEvent = Type.Object({ phase: JobPhaseSchema }, { additionalProperties: false });

/**
 * Every event of `GET /api/v1/jobs/{team}/{id}/stream?offset=<n>` (Server-Sent Events, one
 * connection per viewer): `status` first (the summary) and on every change, `log` chunks from
 * `offset` (default 0) on, `gap`, and `end`. The SSE `id:` of a `log` event is its next offset, so
 * `Last-Event-ID` resumes without loss.
 */
export const JobStreamEventSchemas = {
  status: JobSummary,
  log: JobLogEvent,
  gap: JobGapEvent,
  end: JobEndEvent,
} as const;
export type JobStreamEvents = {
  [K in keyof typeof JobStreamEventSchemas]: Static<(typeof JobStreamEventSchemas)[K]>;
};
export const jobStreamEventNames: readonly (keyof JobStreamEvents)[] = [
  'status',
  'log',
  'gap',
  'end',
];

/** Catalog entry id: a DNS label (used in submission ids and RayJob names). */
export const CatalogId = Type.String({
  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
  minLength: 1,
  maxLength: 40,
});

/**
 * A workload of the catalog: built in (`workloads/catalog.yaml`, run with the `workloads/` folder as
 * working dir) or added by an admin (stored in the portal's database; its runtime env names a
 * remote `workingDir` zip or pip packages).
 */
export const CatalogEntryInput = Type.Object(
  {
    id: CatalogId,
    title: Type.String({ minLength: 1, maxLength: 120 }),
    summary: Type.String({ maxLength: 1000 }),
    entrypoint: Type.String({ minLength: 1, maxLength: jobRequestLimits.entrypointMaxLength }),
    /** The least the cluster must offer the job's tasks and actors. */
    resources: Type.Object(
      {
        cpus: Type.Number({ minimum: 0, maximum: 1024 }),
        gpus: Type.Number({ minimum: 0, maximum: 64 }),
      },
      { additionalProperties: false },
    ),
    runtimeEnv: Type.Optional(RuntimeEnvInput),
    /** Seconds before the portal stops the job (RayJob `activeDeadlineSeconds`). */
    timeoutSeconds: Type.Integer({ minimum: 1, maximum: 604800 }),
    /** `ray[...]` extras the script imports beyond Ray core, e.g. `data`, `train`, `serve`. */
    rayExtras: Type.Array(Type.String({ pattern: '^[a-z][a-z0-9-]*$' }), { maxItems: 16 }),
  },
  { additionalProperties: false },
);
export type CatalogEntryInput = Static<typeof CatalogEntryInput>;

/** A catalog entry as listed. */
export const CatalogEntry = Type.Object(
  {
    ...CatalogEntryInput.properties,
    source: Type.Union([Type.Literal('builtin'), Type.Literal('admin')]),
    /** Script in `workloads/` (built-ins). */
    script: Type.Optional(Type.String()),
    /** Cluster manifest in `manifests/` that fits it (built-ins). */
    manifest: Type.Optional(Type.String()),
    /** Ray version the real-Ray stage proved it under; null when not proven (built-ins). */
    provenOnRealRay: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    notProvenReason: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type CatalogEntry = Static<typeof CatalogEntry>;

export const CatalogList = Type.Object(
  { items: Type.Array(CatalogEntry) },
  { additionalProperties: false },
);
export type CatalogList = Static<typeof CatalogList>;
