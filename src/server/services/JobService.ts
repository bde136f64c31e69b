import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';

import { stringify } from 'yaml';

import type { FieldError } from '../../shared/api/apiErrorBody.ts';
import type {
  CatalogEntry,
  EntrypointResources,
  JobDetail,
  JobList,
  JobListQuery,
  JobLogChunk,
  JobPhase,
  JobStatus,
  JobSummary,
  JobTimelineEntry,
  PackageUploadResponse,
  RayJobLifecycle,
  ResubmitResponse,
  RuntimeEnvInput,
  RuntimeEnvSummary,
  SubmitCatalogRequest,
  SubmitRayJobRequest,
  SubmitToClusterRequest,
} from '../../shared/api/jobSchemas.ts';
import { terminalJobPhases } from '../../shared/api/jobSchemas.ts';
import {
  deriveJobPhase,
  explainJob,
  parseJobDeploymentStatus,
  parseRayJobStatus,
} from '../../shared/ray/deriveJobPhase.ts';
import type { RayJobResource } from '../../shared/ray/rayTypes.ts';
import { type AuthenticatedUser, authorize, visibleNamespaces } from '../auth/authorize.ts';
import type { KubeCache } from '../k8s/KubeCache.ts';
import type { KubeClient } from '../k8s/KubeClient.ts';
import type { ServiceProxy } from '../k8s/serviceProxyRequest.ts';
import type { JobRow, JobStore } from '../store/JobStore.ts';
import type { ClusterIndex } from './ClusterIndex.ts';
import type { ClusterService } from './ClusterService.ts';
import { RaydeckLabel, raydeckManager } from './raydeckLabels.ts';
import { kubeOperation, ServiceError, validationFailed } from './serviceErrors.ts';
import type { WorkloadCatalog } from './WorkloadCatalog.ts';

/** Settings of the jobs service (serverConfig: `jobLogMaxBytes`, `jobRetentionDays`, …). */
export interface JobServiceSettings {
  /** Bytes of log kept per job (the newest). Default 16 MiB. */
  logMaxBytes: number;
  /** Days a finished job is kept. Default 30. */
  retentionDays: number;
  /** How often the capture loop polls the Ray heads, ms. Default 1000. */
  pollIntervalMs: number;
  /** Largest working-dir package accepted, bytes. Default 100 MiB. */
  packageMaxBytes: number;
}

export const defaultJobServiceSettings: JobServiceSettings = {
  logMaxBytes: 16 * 2 ** 20,
  retentionDays: 30,
  pollIntervalMs: 1000,
  packageMaxBytes: 100 * 2 ** 20,
};

/** What the portal sent for a job, kept to show it and to resubmit it. */
interface StoredRequest {
  runtimeEnv: Record<string, unknown>;
  entrypointResources: EntrypointResources;
  metadata: Record<string, string>;
  lifecycle?: RayJobLifecycle;
  submission?: SubmitToClusterRequest;
  rayJob?: SubmitRayJobRequest;
}

/** One Ray Jobs API `JobDetails` as far as the portal reads it (kuberay-api.md §4.1). */
interface RayJobDetails {
  type?: string;
  submission_id?: string | null;
  status?: string;
  entrypoint?: string;
  message?: string | null;
  error_type?: string | null;
  start_time?: number | null;
  end_time?: number | null;
  metadata?: Record<string, string> | null;
  runtime_env?: Record<string, unknown> | null;
  driver_exit_code?: number | null;
}

/** Ray metadata key under which the portal records who submitted a job. */
const ownerMetadataKey = 'raydeck.dev/owner';

/**
 * One jobs model over RayJobs (watched through the cache) and Ray Jobs API submissions (sent
 * and polled through the Kubernetes service proxy to `<cluster>-head-svc:dashboard`). A capture
 * loop records every job's status and log in the store as it happens, so jobs outlive their
 * clusters and a portal restart loses nothing captured. `changes` emits the job id on every
 * change (the SSE route listens).
 */
export class JobService {
  readonly changes = new EventEmitter<{ job: [string] }>();
  private readonly store: JobStore;
  private readonly cache: KubeCache;
  private readonly proxy: ServiceProxy;
  private readonly client: KubeClient;
  private readonly clusters: ClusterService;
  private readonly index: ClusterIndex;
  private readonly catalog: WorkloadCatalog;
  private readonly now: () => number;
  readonly settings: JobServiceSettings;
  private timer: NodeJS.Timeout | undefined;
  private capturing: Promise<void> | undefined;

  constructor(options: {
    store: JobStore;
    cache: KubeCache;
    proxy: ServiceProxy;
    client: KubeClient;
    clusters: ClusterService;
    index: ClusterIndex;
    catalog: WorkloadCatalog;
    /** Epoch ms; injected so tests own time. */
    now?: () => number;
    settings?: Partial<JobServiceSettings>;
  }) {
    this.store = options.store;
    this.cache = options.cache;
    this.proxy = options.proxy;
    this.client = options.client;
    this.clusters = options.clusters;
    this.index = options.index;
    this.catalog = options.catalog;
    this.now = options.now ?? Date.now;
    this.settings = { ...defaultJobServiceSettings, ...options.settings };
    this.changes.setMaxListeners(0);
  }

  /** Starts the capture loop (one poll at a time, `pollIntervalMs` apart). */
  start(): void {
    const tick = () => {
      this.timer = setTimeout(() => {
        void this.captureOnce().finally(() => {
          if (this.timer) tick();
        });
      }, this.settings.pollIntervalMs);
    };
    tick();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.capturing;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  // ---------------------------------------------------------------- reading

  async list(user: AuthenticatedUser, query: JobListQuery): Promise<JobList> {
    const { rows, total, nextCursor } = await this.store.list(
      {
        teams: visibleNamespaces(user),
        team: query.team,
        cluster: query.cluster,
        phase: query.status,
        owner: query.owner,
        kind: query.kind,
        q: query.q,
      },
      query.limit ?? 50,
      query.cursor,
    );
    return {
      items: rows.map((row) => this.summaryOf(row)),
      total,
      ...(nextCursor ? { nextCursor } : {}),
    };
  }

  private async readable(user: AuthenticatedUser, team: string, id: string): Promise<JobRow> {
    const row = await this.store.get(id);
    if (!row || row.team !== team || !authorize(user, 'read', team)) {
      throw new ServiceError(404, 'NotFound', `job "${team}/${id}" not found`);
    }
    return row;
  }

  private async writable(user: AuthenticatedUser, team: string, id: string): Promise<JobRow> {
    const row = await this.readable(user, team, id);
    if (!authorize(user, 'write', team)) {
      throw new ServiceError(403, 'Forbidden', `you may not change jobs in team "${team}"`);
    }
    return row;
  }

  async detail(user: AuthenticatedUser, team: string, id: string): Promise<JobDetail> {
    return this.detailOf(await this.readable(user, team, id));
  }

  /** The summary of a job, or undefined when it is gone or not visible (SSE status events). */
  async summary(
    user: AuthenticatedUser,
    team: string,
    id: string,
  ): Promise<JobSummary | undefined> {
    const row = await this.store.get(id);
    return row && row.team === team && authorize(user, 'read', team)
      ? this.summaryOf(row)
      : undefined;
  }

  summaryOf(row: JobRow): JobSummary {
    const status = JSON.parse(row.status) as JobStatus;
    const request = JSON.parse(row.request) as StoredRequest;
    const running = row.gpu_accounted_at ? Date.parse(row.gpu_accounted_at) : undefined;
    const gpuSeconds =
      row.gpu_seconds +
      (running !== undefined ? (row.gpus * Math.max(0, this.now() - running)) / 1000 : 0);
    return {
      id: row.id,
      team: row.team,
      kind: row.kind,
      ...(row.cluster ? { cluster: row.cluster } : {}),
      ...(row.rayjob_name ? { rayJobName: row.rayjob_name } : {}),
      ...(row.submission_id ? { submissionId: row.submission_id } : {}),
      ...(row.owner ? { owner: row.owner } : {}),
      origin: row.origin,
      ...(row.catalog_id ? { catalogId: row.catalog_id } : {}),
      ...(row.template ? { template: row.template } : {}),
      entrypoint: row.entrypoint,
      runtimeEnv: summarizeRuntimeEnv(request.runtimeEnv),
      status,
      createdAt: row.created_at,
      ...(row.started_at ? { startedAt: row.started_at } : {}),
      ...(row.ended_at ? { endedAt: row.ended_at } : {}),
      updatedAt: row.updated_at,
      gpus: row.gpus,
      gpuSeconds: Math.round(gpuSeconds * 1000) / 1000,
      log: { totalBytes: row.log_total_bytes, storedFrom: row.log_stored_from },
      clusterGone: row.cluster_gone === 1,
    };
  }

  /** A job just stored by a submit: announced to stream listeners, returned as its detail. */
  private async announced(id: string): Promise<JobDetail> {
    this.changes.emit('job', id);
    const row = await this.store.get(id);
    if (!row) throw new ServiceError(500, 'Internal', 'the job was not stored');
    return this.detailOf(row);
  }

  private detailOf(row: JobRow): JobDetail {
    const summary = this.summaryOf(row);
    const request = JSON.parse(row.request) as StoredRequest;
    const why = explainJob({
      phase: summary.status.phase,
      kind: row.kind,
      reason: summary.status.reason,
      message: summary.status.message,
      deploymentStatus: summary.status.deploymentStatus,
    });
    return {
      summary,
      timeline: JSON.parse(row.timeline) as JobTimelineEntry[],
      ...(why ? { why } : {}),
      runtimeEnvJson: JSON.stringify(request.runtimeEnv),
      entrypointResources: request.entrypointResources,
      metadata: request.metadata,
      ...(request.lifecycle ? { lifecycle: request.lifecycle } : {}),
    };
  }

  async readLog(
    user: AuthenticatedUser,
    team: string,
    id: string,
    query: { offset?: number | undefined; limit?: number | undefined; tail?: number | undefined },
  ): Promise<JobLogChunk> {
    const row = await this.readable(user, team, id);
    return this.logChunk(row, query);
  }

  /** A log chunk of a row already authorized (also used by the SSE route). */
  async logChunk(
    row: JobRow,
    query: { offset?: number | undefined; limit?: number | undefined; tail?: number | undefined },
  ): Promise<JobLogChunk> {
    const limit = query.limit ?? query.tail ?? 2 ** 20;
    const offset =
      query.tail !== undefined
        ? Math.max(0, row.log_total_bytes - query.tail)
        : (query.offset ?? 0);
    const stored = await this.store.readLog(row.id, offset, limit);
    const nextOffset = stored.offset + stored.bytes.length;
    return {
      offset: stored.offset,
      nextOffset,
      text: stored.bytes.toString('utf8'),
      totalBytes: stored.totalBytes,
      storedFrom: stored.storedFrom,
      complete: row.log_complete === 1 && nextOffset >= stored.totalBytes,
    };
  }

  /** The row of a readable job (SSE route: authorize once, then follow the row). */
  async readableRow(user: AuthenticatedUser, team: string, id: string): Promise<JobRow> {
    return this.readable(user, team, id);
  }

  async row(id: string): Promise<JobRow | undefined> {
    return this.store.get(id);
  }

  // ---------------------------------------------------------------- submitting

  /** Checks write access and that the cluster exists; 4xx naming `body.team` / `body.cluster`. */
  private requireCluster(
    user: AuthenticatedUser,
    team: string,
    cluster: string,
    field = 'body.cluster',
  ): void {
    if (!authorize(user, 'write', team)) {
      throw new ServiceError(403, 'Forbidden', `you cannot submit jobs in team "${team}"`, [
        { path: 'body.team', message: 'is not one of your teams' },
      ]);
    }
    if (!this.cache.get('RayCluster', team, cluster)) {
      throw new ServiceError(404, 'NotFound', `cluster "${team}/${cluster}" not found`, [
        { path: field, message: `no cluster "${cluster}" in ${team}` },
      ]);
    }
  }

  /** Uploads a working-dir zip to the cluster's head as Ray's SDK does (`PUT /api/packages/gcs/…`). */
  async uploadPackage(
    user: AuthenticatedUser,
    team: string,
    cluster: string,
    zip: unknown,
  ): Promise<PackageUploadResponse> {
    this.requireCluster(user, team, cluster, 'path.name');
    if (!Buffer.isBuffer(zip)) {
      throw new ServiceError(415, 'UnsupportedMediaType', 'send the zip as application/zip');
    }
    if (zip.length < 22 || zip.readUInt32LE(0) !== 0x04034b50) {
      throw validationFailed([{ path: 'body', message: 'is not a ZIP archive' }]);
    }
    if (zip.length > this.settings.packageMaxBytes) {
      throw new ServiceError(
        413,
        'PayloadTooLarge',
        `a package may be at most ${this.settings.packageMaxBytes} bytes`,
      );
    }
    const name = `_ray_pkg_${createHash('sha1').update(zip).digest('hex')}.zip`;
    await this.putPackage(team, cluster, name, zip);
    return { uri: `gcs://${name}`, sizeBytes: zip.length };
  }

  private async putPackage(
    team: string,
    cluster: string,
    name: string,
    zip: Buffer,
  ): Promise<void> {
    const exists = await this.ray(team, cluster, 'GET', `/api/packages/gcs/${name}`);
    if (exists.status === 200) return;
    const put = await this.ray(
      team,
      cluster,
      'PUT',
      `/api/packages/gcs/${name}`,
      zip,
      'application/zip',
    );
    if (put.status !== 200) {
      throw new ServiceError(
        502,
        'PackageUploadFailed',
        `the Ray head refused the package: ${firstLine(put.text)}`,
      );
    }
  }

  async submitToCluster(
    user: AuthenticatedUser,
    request: SubmitToClusterRequest,
    extra: { catalogId?: string } = {},
  ): Promise<JobDetail> {
    this.requireCluster(user, request.team, request.cluster);
    const submissionId = request.submissionId ?? `raysubmit_${randomId(16)}`;
    const id = submissionJobId(request.team, request.cluster, submissionId);
    if (await this.store.get(id)) throw duplicateSubmission(submissionId);
    const runtimeEnv = rayRuntimeEnv(request.runtimeEnv);
    const metadata = { ...request.metadata, [ownerMetadataKey]: user.username };
    const resources = request.entrypointResources ?? {};
    const body = {
      entrypoint: request.entrypoint,
      submission_id: submissionId,
      runtime_env: runtimeEnv,
      metadata,
      ...(resources.numCpus !== undefined ? { entrypoint_num_cpus: resources.numCpus } : {}),
      ...(resources.numGpus !== undefined ? { entrypoint_num_gpus: resources.numGpus } : {}),
      ...(resources.memoryBytes !== undefined ? { entrypoint_memory: resources.memoryBytes } : {}),
      ...(resources.resources ? { entrypoint_resources: resources.resources } : {}),
    };
    const answer = await this.ray(
      request.team,
      request.cluster,
      'POST',
      '/api/jobs/',
      Buffer.from(JSON.stringify(body)),
      'application/json',
    );
    if (answer.status !== 200) throw translateRayError(answer.status, answer.text, submissionId);
    const at = this.iso();
    const status: JobStatus = { phase: 'Pending' };
    await this.store.insert(
      newJobRow(
        {
          id,
          team: request.team,
          kind: 'submission',
          cluster: request.cluster,
          rayjob_name: '',
          submission_id: submissionId,
          owner: user.username,
          origin: 'raydeck',
          catalog_id: extra.catalogId ?? '',
          template: '',
          entrypoint: request.entrypoint,
          request: JSON.stringify({
            runtimeEnv,
            entrypointResources: resources,
            metadata,
            submission: { ...request, submissionId },
          } satisfies StoredRequest),
          gpus: resources.numGpus ?? 0,
        },
        status,
        at,
      ),
    );
    return this.announced(id);
  }

  /**
   * A RayJob on a new cluster: the cluster part goes through the same plan (template, limits,
   * claims) as cluster create, then the team's GPU quota is checked before anything is created.
   */
  async submitRayJob(
    user: AuthenticatedUser,
    request: SubmitRayJobRequest,
    extra: { catalogId?: string } = {},
  ): Promise<JobDetail> {
    // The cluster part is governed exactly as a cluster create (template, limits, claims, team
    // quota: a cluster beyond the quota is refused before anything is created); its field paths
    // are moved under `body.cluster`.
    const planned = await this.clusters
      .plan(user, { ...request.cluster, name: request.name, team: request.team })
      .catch((error: unknown) => {
        if (!(error instanceof ServiceError)) throw error;
        throw new ServiceError(
          error.statusCode,
          error.reason,
          error.message,
          error.fields.map((field) => ({
            ...field,
            path: /^body\.(team|name)$/.test(field.path)
              ? field.path
              : field.path.replace(/^body\./, 'body.cluster.'),
          })),
        );
      });
    const fields: FieldError[] = [];
    if (this.cache.get('RayJob', request.team, request.name)) {
      throw new ServiceError(
        409,
        'AlreadyExists',
        `RayJob "${request.team}/${request.name}" already exists`,
        [{ path: 'body.name', message: 'is already used in this team' }],
      );
    }
    if (
      request.ttlSecondsAfterFinished !== undefined &&
      request.shutdownAfterJobFinishes === false
    ) {
      fields.push({
        path: 'body.ttlSecondsAfterFinished',
        message: 'needs shutdownAfterJobFinishes: true',
      });
    }
    if (fields.length > 0) throw validationFailed(fields);
    const lifecycle: RayJobLifecycle = {
      shutdownAfterJobFinishes: request.shutdownAfterJobFinishes ?? true,
      ...(request.ttlSecondsAfterFinished !== undefined
        ? { ttlSecondsAfterFinished: request.ttlSecondsAfterFinished }
        : {}),
      ...(request.activeDeadlineSeconds !== undefined
        ? { activeDeadlineSeconds: request.activeDeadlineSeconds }
        : {}),
      ...(request.backoffLimit !== undefined ? { backoffLimit: request.backoffLimit } : {}),
    };
    const runtimeEnv = rayRuntimeEnv(request.runtimeEnv);
    const resources = request.entrypointResources ?? {};
    const submissionId = request.submissionId ?? `${request.name}-${randomId(5).toLowerCase()}`;
    const manifest: RayJobResource = {
      apiVersion: 'ray.io/v1',
      kind: 'RayJob',
      metadata: {
        name: request.name,
        namespace: request.team,
        labels: {
          [RaydeckLabel.managedBy]: raydeckManager,
          [RaydeckLabel.owner]: user.username,
          [RaydeckLabel.template]: request.cluster.template,
        },
      },
      spec: {
        entrypoint: request.entrypoint,
        jobId: submissionId,
        ...(Object.keys(runtimeEnv).length > 0 ? { runtimeEnvYAML: stringify(runtimeEnv) } : {}),
        ...(resources.numCpus !== undefined ? { entrypointNumCpus: resources.numCpus } : {}),
        ...(resources.numGpus !== undefined ? { entrypointNumGpus: resources.numGpus } : {}),
        ...(resources.resources
          ? { entrypointResources: JSON.stringify(resources.resources) }
          : {}),
        rayClusterSpec: planned.spec,
        ...lifecycle,
      },
    };
    const created = await kubeOperation(() =>
      this.client.createRayObject('rayjobs', request.team, manifest),
    );
    const at = this.iso();
    const status: JobStatus = { phase: 'Waiting' };
    const id = rayJobId(request.team, request.name, created.metadata.uid ?? '');
    await this.store.insert(
      newJobRow(
        {
          id,
          team: request.team,
          kind: 'rayjob',
          cluster: '',
          rayjob_name: request.name,
          submission_id: submissionId,
          owner: user.username,
          origin: 'raydeck',
          catalog_id: extra.catalogId ?? '',
          template: request.cluster.template,
          entrypoint: request.entrypoint,
          request: JSON.stringify({
            runtimeEnv,
            entrypointResources: resources,
            metadata: {},
            lifecycle,
            rayJob: { ...request, submissionId },
          } satisfies StoredRequest),
          gpus: clusterSpecGpus(planned.spec),
        },
        status,
        at,
      ),
    );
    return this.announced(id);
  }

  /** Runs a catalog workload on a running cluster, or as a RayJob from a template. */
  async submitCatalog(user: AuthenticatedUser, request: SubmitCatalogRequest): Promise<JobDetail> {
    const entry = await this.catalog.find(request.catalogId);
    if (!entry) {
      throw new ServiceError(404, 'NotFound', `catalog entry "${request.catalogId}" not found`, [
        { path: 'body.catalogId', message: 'is not in the catalog' },
      ]);
    }
    if ((request.cluster === undefined) === (request.template === undefined)) {
      throw validationFailed([
        {
          path: 'body.cluster',
          message: 'give either cluster (a running cluster) or template (a new one)',
        },
      ]);
    }
    const runtimeEnv: RuntimeEnvInput = { ...entry.runtimeEnv };
    const resources: EntrypointResources = entry.resources.gpus > 0 ? { numGpus: 0 } : {};
    if (request.cluster !== undefined) {
      this.requireCluster(user, request.team, request.cluster);
      if (entry.source === 'builtin' && !runtimeEnv.workingDir) {
        const workloads = this.catalog.workloadPackage();
        await this.putPackage(request.team, request.cluster, workloads.name, workloads.zip);
        runtimeEnv.workingDir = `gcs://${workloads.name}`;
      }
      return this.submitToCluster(
        user,
        {
          team: request.team,
          cluster: request.cluster,
          submissionId: `${entry.id}-${randomId(8).toLowerCase()}`,
          entrypoint: entry.entrypoint,
          runtimeEnv,
          ...(Object.keys(resources).length > 0 ? { entrypointResources: resources } : {}),
        },
        { catalogId: entry.id },
      );
    }
    return this.submitRayJob(
      user,
      {
        team: request.team,
        name: request.name ?? `${entry.id.slice(0, 40)}-${randomId(5).toLowerCase()}`,
        cluster: { template: request.template ?? '' },
        entrypoint: catalogEntrypoint(entry),
        ...(runtimeEnv.pip || runtimeEnv.envVars || runtimeEnv.workingDir ? { runtimeEnv } : {}),
        shutdownAfterJobFinishes: true,
        ttlSecondsAfterFinished: 60,
        activeDeadlineSeconds: entry.timeoutSeconds,
      },
      { catalogId: entry.id },
    );
  }

  // ---------------------------------------------------------------- changing

  async stopJob(user: AuthenticatedUser, team: string, id: string): Promise<void> {
    const row = await this.writable(user, team, id);
    if (terminalJobPhases.includes(row.phase as JobPhase)) {
      throw new ServiceError(409, 'AlreadyEnded', `job "${team}/${id}" has already ended`);
    }
    const cluster = row.kind === 'rayjob' ? row.cluster : row.cluster;
    if (!cluster || row.cluster_gone === 1) {
      throw new ServiceError(409, 'ClusterGone', `the cluster of job "${team}/${id}" is not there`);
    }
    const answer = await this.ray(
      team,
      cluster,
      'POST',
      `/api/jobs/${encodeURIComponent(row.submission_id)}/stop`,
    );
    if (answer.status !== 200)
      throw translateRayError(answer.status, answer.text, row.submission_id);
    void this.captureOnce();
  }

  /** Deletes the Ray job (or the RayJob) where it still exists, then the record and its log. */
  async deleteJob(user: AuthenticatedUser, team: string, id: string): Promise<void> {
    const row = await this.writable(user, team, id);
    if (row.kind === 'rayjob') {
      if (this.cache.get('RayJob', team, row.rayjob_name)) {
        await kubeOperation(() => this.client.deleteRayObject('rayjobs', team, row.rayjob_name));
      }
    } else if (row.cluster_gone === 0 && this.cache.get('RayCluster', team, row.cluster)) {
      const answer = await this.ray(
        team,
        row.cluster,
        'DELETE',
        `/api/jobs/${encodeURIComponent(row.submission_id)}`,
      );
      if (answer.status === 500 || answer.status === 400) {
        throw new ServiceError(
          409,
          'JobNotEnded',
          `job "${team}/${id}" is still running: stop it first`,
        );
      }
      if (answer.status !== 200 && answer.status !== 404) {
        throw translateRayError(answer.status, answer.text, row.submission_id);
      }
    }
    await this.store.delete(id);
    this.changes.emit('job', id);
  }

  /** The request that submits the job again, for the client to edit and send. */
  async resubmit(user: AuthenticatedUser, team: string, id: string): Promise<ResubmitResponse> {
    const row = await this.readable(user, team, id);
    const request = JSON.parse(row.request) as StoredRequest;
    const fresh = randomId(5).toLowerCase();
    if (request.rayJob) {
      const { submissionId: _dropped, ...rest } = request.rayJob;
      return { kind: 'rayjob', rayJob: { ...rest, name: `${rest.name.slice(0, 41)}-${fresh}` } };
    }
    if (request.submission) {
      const { submissionId: _dropped, ...rest } = request.submission;
      return { kind: 'submission', submission: rest };
    }
    // Jobs submitted around the portal: rebuilt from what Ray reported.
    return {
      kind: 'submission',
      submission: {
        team: row.team,
        cluster: row.cluster,
        entrypoint: row.entrypoint,
        ...(Object.keys(request.entrypointResources).length > 0
          ? { entrypointResources: request.entrypointResources }
          : {}),
      },
    };
  }

  // ---------------------------------------------------------------- capture loop

  /** One pass of the capture loop; concurrent calls share the pass under way. */
  captureOnce(): Promise<void> {
    this.capturing ??= this.capture().finally(() => {
      this.capturing = undefined;
    });
    return this.capturing;
  }

  private async capture(): Promise<void> {
    const rayJobs = this.cache.list('RayJob');
    const byRayJobSubmission = new Map<string, string>();
    for (const rayJob of rayJobs) {
      const id = await this.observeRayJob(rayJob);
      const cluster = rayJob.status?.rayClusterName;
      const jobId = rayJob.status?.jobId ?? rayJob.spec.jobId;
      if (cluster && jobId)
        byRayJobSubmission.set(`${rayJob.metadata.namespace}/${cluster}/${jobId}`, id);
    }
    const active = await this.store.active();
    const clusters = this.cache
      .list('RayCluster')
      .filter((cluster) => cluster.status?.state === 'ready');
    for (const cluster of clusters) {
      const team = cluster.metadata.namespace ?? '';
      const name = cluster.metadata.name ?? '';
      let listed: RayJobDetails[];
      try {
        const answer = await this.ray(team, name, 'GET', '/api/jobs/');
        if (answer.status !== 200) continue;
        const parsed: unknown = JSON.parse(answer.text);
        listed = Array.isArray(parsed) ? (parsed as RayJobDetails[]) : [];
      } catch {
        continue; // the head is not reachable now; the next pass tries again
      }
      for (const details of listed) {
        if (details.type !== 'SUBMISSION' || !details.submission_id) continue;
        const id =
          byRayJobSubmission.get(`${team}/${name}/${details.submission_id}`) ??
          submissionJobId(team, name, details.submission_id);
        await this.observeSubmission(id, team, name, details);
      }
    }
    // Jobs whose cluster (or RayJob) went away: kept, marked, and Lost if they had not ended.
    const liveRayJobs = new Set(
      rayJobs.map((job) => `${job.metadata.namespace}/${job.metadata.name}`),
    );
    for (const row of active) {
      if (row.cluster_gone === 1) continue;
      const gone =
        row.kind === 'rayjob'
          ? !liveRayJobs.has(`${row.team}/${row.rayjob_name}`) &&
            this.cache.synced &&
            row.timeline.includes('deploymentStatus')
          : !this.cache.get('RayCluster', row.team, row.cluster) && this.cache.synced;
      if (!gone) continue;
      const status = JSON.parse(row.status) as JobStatus;
      const ended = terminalJobPhases.includes(status.phase);
      await this.applyStatus(row, ended ? status : { ...status, phase: 'Lost' }, {
        cluster_gone: 1,
        log_complete: 1,
      });
    }
    await this.store.pruneEndedBefore(
      new Date(this.now() - this.settings.retentionDays * 86_400_000).toISOString(),
    );
  }

  /** Records a RayJob's state; creates its row when the portal did not submit it. */
  private async observeRayJob(rayJob: RayJobResource): Promise<string> {
    const team = rayJob.metadata.namespace ?? '';
    const name = rayJob.metadata.name ?? '';
    const id = rayJobId(team, name, rayJob.metadata.uid ?? '');
    let row = await this.store.get(id);
    if (!row) {
      const at = this.iso();
      const status: JobStatus = { phase: 'Waiting' };
      await this.store.insert(
        newJobRow(
          {
            id,
            team,
            kind: 'rayjob',
            cluster: rayJob.status?.rayClusterName ?? '',
            rayjob_name: name,
            submission_id: rayJob.status?.jobId ?? rayJob.spec.jobId ?? '',
            owner: rayJob.metadata.labels?.[RaydeckLabel.owner] ?? '',
            origin: 'external',
            catalog_id: '',
            template: rayJob.metadata.labels?.[RaydeckLabel.template] ?? '',
            entrypoint: rayJob.spec.entrypoint ?? '',
            request: JSON.stringify({
              runtimeEnv: {},
              entrypointResources: {},
              metadata: {},
              lifecycle: {
                ...(rayJob.spec.shutdownAfterJobFinishes !== undefined
                  ? { shutdownAfterJobFinishes: rayJob.spec.shutdownAfterJobFinishes }
                  : {}),
              },
            } satisfies StoredRequest),
            gpus: clusterSpecGpus(rayJob.spec.rayClusterSpec),
            created_at: rayJob.metadata.creationTimestamp ?? at,
          },
          status,
          at,
        ),
      );
      row = await this.store.get(id);
      if (!row) return id;
    }
    const rayStatus = parseRayJobStatus(rayJob.status?.jobStatus);
    const deploymentStatus = parseJobDeploymentStatus(rayJob.status?.jobDeploymentStatus);
    const phase = deriveJobPhase(rayStatus, deploymentStatus);
    const status: JobStatus = {
      phase,
      ...(rayStatus ? { rayStatus } : {}),
      ...(deploymentStatus ? { deploymentStatus } : {}),
      ...(rayJob.status?.reason ? { reason: rayJob.status.reason } : {}),
      ...(rayJob.status?.message ? { message: rayJob.status.message } : {}),
    };
    const cluster = rayJob.status?.rayClusterName ?? row.cluster;
    const summaryGpus = cluster ? this.index.get(team, cluster)?.gpus.count : undefined;
    await this.applyStatus(row, status, {
      cluster,
      ...(rayJob.status?.jobId ? { submission_id: rayJob.status.jobId } : {}),
      ...(summaryGpus !== undefined && summaryGpus > 0 ? { gpus: summaryGpus } : {}),
    });
    return id;
  }

  /** Records a Ray Jobs API job's state and new log; creates its row for jobs from elsewhere. */
  private async observeSubmission(
    id: string,
    team: string,
    cluster: string,
    details: RayJobDetails,
  ): Promise<void> {
    let row = await this.store.get(id);
    if (!row) {
      const at = this.iso();
      const status: JobStatus = { phase: 'Pending' };
      await this.store.insert(
        newJobRow(
          {
            id,
            team,
            kind: 'submission',
            cluster,
            rayjob_name: '',
            submission_id: details.submission_id ?? '',
            owner: '',
            origin: 'external',
            catalog_id: '',
            template: '',
            entrypoint: details.entrypoint ?? '',
            request: JSON.stringify({
              runtimeEnv: details.runtime_env ?? {},
              entrypointResources: {},
              metadata: details.metadata ?? {},
            } satisfies StoredRequest),
            gpus: 0,
            created_at: details.start_time ? new Date(details.start_time).toISOString() : at,
          },
          status,
          at,
        ),
      );
      row = await this.store.get(id);
      if (!row) return;
    }
    if (row.log_complete === 1) return;
    const rayStatus = parseRayJobStatus(details.status);
    if (row.kind === 'submission') {
      const phase = deriveJobPhase(rayStatus, undefined);
      const status: JobStatus = {
        phase,
        ...(rayStatus ? { rayStatus } : {}),
        ...(details.error_type ? { reason: details.error_type } : {}),
        ...(details.message ? { message: details.message } : {}),
        ...(typeof details.driver_exit_code === 'number'
          ? { exitCode: details.driver_exit_code }
          : {}),
      };
      await this.applyStatus(row, status, {});
      row = (await this.store.get(id)) ?? row;
    }
    const final = rayStatus === 'SUCCEEDED' || rayStatus === 'FAILED' || rayStatus === 'STOPPED';
    await this.captureLog(row, final);
  }

  /**
   * Appends what the Ray head has beyond what is stored (`GET /api/jobs/<id>/logs` answers the
   * whole driver log). With `final`, the log is then complete.
   */
  private async captureLog(row: JobRow, final: boolean): Promise<void> {
    let answer;
    try {
      answer = await this.ray(
        row.team,
        row.cluster,
        'GET',
        `/api/jobs/${encodeURIComponent(row.submission_id)}/logs`,
      );
    } catch {
      return;
    }
    if (answer.status !== 200) return;
    const parsed: unknown = JSON.parse(answer.text);
    const logs =
      typeof parsed === 'object' &&
      parsed !== null &&
      'logs' in parsed &&
      typeof parsed.logs === 'string'
        ? parsed.logs
        : '';
    const bytes = Buffer.from(logs, 'utf8');
    if (bytes.length > row.log_total_bytes) {
      await this.store.appendLog(
        row.id,
        row.log_total_bytes,
        bytes.subarray(row.log_total_bytes),
        this.settings.logMaxBytes,
      );
      this.changes.emit('job', row.id);
    }
    if (final) {
      await this.store.update(row.id, { log_complete: 1 });
      this.changes.emit('job', row.id);
    }
  }

  /** Stores a status, its timeline entry when it changed, times and GPU-seconds. */
  private async applyStatus(row: JobRow, status: JobStatus, patch: Partial<JobRow>): Promise<void> {
    const previous = row.status;
    const next = JSON.stringify(status);
    const changed = next !== previous;
    const now = this.now();
    const at = new Date(now).toISOString();
    const running = status.phase === 'Running';
    let gpuSeconds = row.gpu_seconds;
    if (row.gpu_accounted_at) {
      gpuSeconds += (row.gpus * Math.max(0, now - Date.parse(row.gpu_accounted_at))) / 1000;
    }
    const ended = terminalJobPhases.includes(status.phase);
    const timeline = JSON.parse(row.timeline) as JobTimelineEntry[];
    if (changed) timeline.push({ at, status });
    const update: Partial<JobRow> = {
      ...patch,
      ...(changed
        ? {
            status: next,
            phase: status.phase,
            timeline: JSON.stringify(timeline),
            updated_at: at,
          }
        : {}),
      gpu_seconds: gpuSeconds,
      gpu_accounted_at: running ? at : null,
      ...(running && !row.started_at ? { started_at: at } : {}),
      ...(ended && !row.ended_at ? { ended_at: at } : {}),
    };
    const patchChanges = Object.entries(patch).some(
      ([key, value]) => row[key as keyof JobRow] !== value,
    );
    if (!changed && !patchChanges && !row.gpu_accounted_at && !running) return;
    await this.store.update(row.id, update);
    if (changed || patchChanges) this.changes.emit('job', row.id);
  }

  /** One request to a cluster's Ray dashboard through the service proxy, read whole. */
  private async ray(
    team: string,
    cluster: string,
    method: string,
    path: string,
    body?: Buffer,
    contentType?: string,
  ): Promise<{ status: number; text: string }> {
    let response;
    try {
      response = await this.proxy({
        namespace: team,
        service: `${cluster}-head-svc`,
        port: 'dashboard',
        path,
        method,
        headers: {
          'user-agent': 'raydeck-portal',
          ...(body
            ? {
                'content-type': contentType ?? 'application/octet-stream',
                'content-length': String(body.length),
              }
            : {}),
        },
        ...(body ? { body } : {}),
      });
    } catch (error) {
      throw new ServiceError(
        503,
        'ClusterUnavailable',
        `the Ray dashboard of ${team}/${cluster} did not answer: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const chunks: Buffer[] = [];
    for await (const chunk of response)
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    const status = response.statusCode ?? 502;
    // The Kubernetes service proxy answers 503 while the head has no ready endpoint.
    if (status === 503 && method !== 'GET') {
      throw new ServiceError(
        503,
        'ClusterUnavailable',
        `the Ray head of ${team}/${cluster} is not ready`,
      );
    }
    return { status, text: Buffer.concat(chunks).toString('utf8') };
  }
}

/** Stable id of a submission: team, cluster and submission id (restarts find the same row). */
export function submissionJobId(team: string, cluster: string, submissionId: string): string {
  return `s-${createHash('sha256').update(`${team}/${cluster}/${submissionId}`).digest('hex').slice(0, 24)}`;
}

/** Stable id of a RayJob: team, name and uid (a recreated RayJob is a new job). */
export function rayJobId(team: string, name: string, uid: string): string {
  return `r-${createHash('sha256').update(`${team}/${name}/${uid}`).digest('hex').slice(0, 24)}`;
}

function randomId(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/** Ray's `runtime_env` JSON from the form's fields. */
function rayRuntimeEnv(input: RuntimeEnvInput | undefined): Record<string, unknown> {
  return {
    ...(input?.workingDir ? { working_dir: input.workingDir } : {}),
    ...(input?.pip?.length ? { pip: input.pip } : {}),
    ...(input?.envVars && Object.keys(input.envVars).length > 0 ? { env_vars: input.envVars } : {}),
  };
}

/** What a Ray runtime_env does, without env var values. */
export function summarizeRuntimeEnv(runtimeEnv: Record<string, unknown>): RuntimeEnvSummary {
  const workingDir = runtimeEnv.working_dir;
  const pip = runtimeEnv.pip;
  const envVars = runtimeEnv.env_vars;
  return {
    ...(typeof workingDir === 'string' ? { workingDir } : {}),
    pip: Array.isArray(pip) ? pip.filter((item): item is string => typeof item === 'string') : [],
    envVarNames: typeof envVars === 'object' && envVars !== null ? Object.keys(envVars).sort() : [],
    otherKeys: Object.keys(runtimeEnv)
      .filter((key) => !['working_dir', 'pip', 'env_vars'].includes(key))
      .sort(),
  };
}

/** GPUs of a RayCluster spec: head and every worker group's replicas × GPU limits. */
function clusterSpecGpus(spec: RayJobResource['spec']['rayClusterSpec'] | undefined): number {
  if (!spec) return 0;
  const gpusOf = (
    template:
      | {
          spec?: {
            containers?: readonly {
              resources?: { limits?: Readonly<Record<string, string | number>> };
            }[];
          };
        }
      | undefined,
  ) =>
    (template?.spec?.containers ?? []).reduce((sum, container) => {
      const limits = container.resources?.limits ?? {};
      return (
        sum +
        Object.entries(limits)
          .filter(([key]) => key.endsWith('/gpu'))
          .reduce((total, [, value]) => total + Number(value), 0)
      );
    }, 0);
  let total = gpusOf(spec.headGroupSpec.template);
  for (const group of spec.workerGroupSpecs ?? []) {
    total += gpusOf(group.template) * (group.replicas ?? group.minReplicas ?? 0);
  }
  return total;
}

/** The entrypoint a built-in catalog workload runs with in a RayJob (no uploaded package). */
function catalogEntrypoint(entry: CatalogEntry): string {
  return entry.entrypoint;
}

function firstLine(text: string): string {
  const lines = text.trim().split('\n');
  return (lines.at(-1) ?? '').slice(0, 500);
}

function duplicateSubmission(submissionId: string): ServiceError {
  return new ServiceError(
    409,
    'AlreadyExists',
    `a job with submission id "${submissionId}" already exists on this cluster`,
    [{ path: 'body.submissionId', message: 'is already used on this cluster' }],
  );
}

/**
 * A Ray Jobs API failure in the portal's terms. Ray answers 500 for a duplicate submission id
 * and for runtime env errors found by its agent, 400 for bad JSON fields, with plain-text
 * (often traceback) bodies (kuberay-api.md §4.1): those become 409 / 400 naming the field.
 */
export function translateRayError(
  status: number,
  text: string,
  submissionId: string,
): ServiceError {
  if (/different submission_id|already exists/i.test(text))
    return duplicateSubmission(submissionId);
  const last = firstLine(text);
  if (status === 400 || (status === 500 && /runtime_env|runtime env/i.test(text))) {
    const path = /runtime_env|runtime env|working_dir|pip|env_vars/i.test(text)
      ? 'body.runtimeEnv'
      : /entrypoint_(num_|memory|resources)/i.test(text)
        ? 'body.entrypointResources'
        : /entrypoint/i.test(text)
          ? 'body.entrypoint'
          : 'body';
    return validationFailed([{ path, message: `Ray refused it: ${last}` }]);
  }
  if (status === 404)
    return new ServiceError(404, 'NotFound', `Ray does not know job "${submissionId}"`);
  if (status === 401 || status === 403) {
    return new ServiceError(
      502,
      'RayAuthFailed',
      `the Ray head refused the portal (${status}): ${last}`,
    );
  }
  return new ServiceError(502, 'RayError', `the Ray head answered ${status}: ${last}`);
}

/** What differs between new job rows; {@link newJobRow} fills in the rest. */
type NewJobFields = Pick<
  JobRow,
  | 'id'
  | 'team'
  | 'kind'
  | 'cluster'
  | 'rayjob_name'
  | 'submission_id'
  | 'owner'
  | 'origin'
  | 'catalog_id'
  | 'template'
  | 'entrypoint'
  | 'request'
  | 'gpus'
> & { created_at?: string };

/**
 * A job row as first stored: its first status (also the timeline's first entry) at `at`, no
 * GPU-seconds yet, no log, not ended. `created_at` defaults to `at` (a job found rather than
 * submitted keeps its own creation time).
 */
function newJobRow(fields: NewJobFields, status: JobStatus, at: string): JobRow {
  return {
    created_at: at,
    ...fields,
    phase: status.phase,
    status: JSON.stringify(status),
    timeline: JSON.stringify([{ at, status }]),
    gpu_seconds: 0,
    gpu_accounted_at: null,
    started_at: null,
    ended_at: null,
    updated_at: at,
    log_total_bytes: 0,
    log_stored_from: 0,
    log_complete: 0,
    cluster_gone: 0,
  };
}
