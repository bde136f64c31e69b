import type { AboutInfo } from '../api/aboutInfo.ts';
import type {
  ClusterDetail,
  ClusterList,
  ClusterListQuery,
  ClusterManifestResponse,
  CreateClusterRequest,
  ScaleRequest,
} from '../api/clusterSchemas.ts';
import type { GpuInventory } from '../api/gpuSchemas.ts';
import type {
  CatalogEntry,
  CatalogEntryInput,
  CatalogList,
  JobDetail,
  JobList,
  JobListQuery,
  JobLogChunk,
  JobLogQuery,
  PackageUploadResponse,
  ResubmitResponse,
  SubmitCatalogRequest,
  SubmitRayJobRequest,
  SubmitToClusterRequest,
} from '../api/jobSchemas.ts';
import type { SetTeamQuotaRequest, TeamQuota } from '../api/quotaSchemas.ts';
import type {
  ClusterServeDeployRequest,
  CreateServiceRequest,
  ServiceDetail,
  ServiceDryRunResult,
  ServiceList,
  ServiceRequestInput,
  ServiceRequestResult,
  ServiceUpdatePlan,
  UpdateServiceRequest,
} from '../api/serviceSchemas.ts';
import type {
  Template,
  TemplateAvailabilityList,
  TemplateInput,
  TemplateList,
} from '../api/templateSchemas.ts';
import type { UsageQuery, UsageReport } from '../api/usageSchemas.ts';
import type { ApiRequest } from './apiClient.ts';

/** The typed calls of the clusters, templates, GPU and about API. */
export interface PortalEndpoints {
  listClusters(query?: ClusterListQuery): Promise<ClusterList>;
  getCluster(team: string, name: string): Promise<ClusterDetail>;
  /** Creates a cluster; the same `idempotencyKey` on a retry never makes a second one. */
  createCluster(
    body: CreateClusterRequest,
    idempotencyKey?: string,
  ): Promise<ClusterManifestResponse>;
  previewCluster(body: CreateClusterRequest): Promise<ClusterManifestResponse>;
  scaleCluster(team: string, name: string, body: ScaleRequest): Promise<void>;
  suspendCluster(team: string, name: string): Promise<void>;
  resumeCluster(team: string, name: string): Promise<void>;
  deleteCluster(team: string, name: string): Promise<void>;
  listTemplates(includeRetired?: boolean): Promise<TemplateList>;
  templateAvailability(team: string): Promise<TemplateAvailabilityList>;
  createTemplate(body: TemplateInput): Promise<Template>;
  updateTemplate(name: string, body: TemplateInput): Promise<Template>;
  retireTemplate(name: string): Promise<Template>;
  restoreTemplate(name: string): Promise<Template>;
  deleteTemplate(name: string): Promise<void>;
  gpuInventory(): Promise<GpuInventory>;
  /** A team's used/limit meters and Raydeck's quota settings. */
  teamQuota(team: string): Promise<TeamQuota>;
  /** Sets a team's quota (admins): the ResourceQuota `raydeck-team-quota`. */
  setTeamQuota(team: string, body: SetTeamQuotaRequest): Promise<TeamQuota>;
  about(): Promise<AboutInfo>;
  listJobs(query?: JobListQuery): Promise<JobList>;
  getJob(team: string, id: string): Promise<JobDetail>;
  /** A job on a running cluster through its Ray Jobs API. */
  submitJob(body: SubmitToClusterRequest): Promise<JobDetail>;
  /** A RayJob on a new cluster from a template (template and quota checked as for clusters). */
  submitRayJob(body: SubmitRayJobRequest): Promise<JobDetail>;
  submitCatalogJob(body: SubmitCatalogRequest): Promise<JobDetail>;
  /** Uploads a working-dir zip to a cluster's head; put the answer's `uri` in `runtimeEnv.workingDir`. */
  uploadPackage(team: string, cluster: string, zip: Uint8Array): Promise<PackageUploadResponse>;
  stopJob(team: string, id: string): Promise<void>;
  /** Deletes the job record, its stored log and the Ray job (or RayJob). */
  deleteJob(team: string, id: string): Promise<void>;
  resubmitJob(team: string, id: string): Promise<ResubmitResponse>;
  jobLog(team: string, id: string, query?: JobLogQuery): Promise<JobLogChunk>;
  /** Path of the SSE stream of a job (`EventSource`); see `JobStreamEventSchemas`. */
  jobStreamPath(team: string, id: string, offset?: number): string;
  /** Path of the whole stored log as `text/plain` (download). */
  jobLogDownloadPath(team: string, id: string): string;
  listCatalog(): Promise<CatalogList>;
  createCatalogEntry(body: CatalogEntryInput): Promise<CatalogEntry>;
  deleteCatalogEntry(id: string): Promise<void>;
  /** GPU-hours of the teams you may see (issue 16); the CSV is `GET /api/v1/usage.csv`. */
  usageReport(query?: UsageQuery): Promise<UsageReport>;
  /** RayServices you may see (issue 14). */
  listServices(): Promise<ServiceList>;
  getService(team: string, name: string): Promise<ServiceDetail>;
  /** Validates and sends a server dry run (`dryRun=All`); creates nothing. */
  dryRunService(body: CreateServiceRequest): Promise<ServiceDryRunResult>;
  createService(body: CreateServiceRequest): Promise<ServiceDetail>;
  /** What `updateService` would do (in place or new cluster), without doing it. */
  planServiceUpdate(
    team: string,
    name: string,
    body: UpdateServiceRequest,
  ): Promise<ServiceUpdatePlan>;
  updateService(team: string, name: string, body: UpdateServiceRequest): Promise<ServiceUpdatePlan>;
  deleteService(team: string, name: string): Promise<void>;
  /** Sends a request to the service's Serve HTTP proxy through the portal (own team only). */
  sendServiceRequest(
    team: string,
    name: string,
    body: ServiceRequestInput,
  ): Promise<ServiceRequestResult>;
  /** Deploys (replaces) the Serve applications of a plain RayCluster through its dashboard. */
  deployClusterServe(team: string, name: string, body: ClusterServeDeployRequest): Promise<void>;
  deleteClusterServe(team: string, name: string): Promise<void>;
}

/** Binds the portal endpoints to a client's `request` function. */
export function portalEndpoints(request: ApiRequest): PortalEndpoints {
  /** A call whose success has no body (204). */
  const requestNothing = async (path: string, init: Parameters<ApiRequest>[1]): Promise<void> => {
    await request<unknown>(path, init);
  };
  const clusterPath = (team: string, name: string) =>
    `/api/v1/clusters/${encodeURIComponent(team)}/${encodeURIComponent(name)}`;
  const templatePath = (name: string) => `/api/v1/templates/${encodeURIComponent(name)}`;
  const servicePath = (team: string, name: string) =>
    `/api/v1/services/${encodeURIComponent(team)}/${encodeURIComponent(name)}`;
  const jobPath = (team: string, id: string) =>
    `/api/v1/jobs/${encodeURIComponent(team)}/${encodeURIComponent(id)}`;
  return {
    listClusters: (query = {}) => request<ClusterList>('/api/v1/clusters', { query: { ...query } }),
    getCluster: (team, name) => request<ClusterDetail>(clusterPath(team, name)),
    createCluster: (body, idempotencyKey) =>
      request<ClusterManifestResponse>('/api/v1/clusters', {
        method: 'POST',
        body,
        ...(idempotencyKey ? { headers: { 'idempotency-key': idempotencyKey } } : {}),
      }),
    previewCluster: (body) =>
      request<ClusterManifestResponse>('/api/v1/clusters/preview', { method: 'POST', body }),
    scaleCluster: (team, name, body) =>
      requestNothing(`${clusterPath(team, name)}/scale`, { method: 'POST', body }),
    suspendCluster: (team, name) =>
      requestNothing(`${clusterPath(team, name)}/suspend`, { method: 'POST' }),
    resumeCluster: (team, name) =>
      requestNothing(`${clusterPath(team, name)}/resume`, { method: 'POST' }),
    deleteCluster: (team, name) => requestNothing(clusterPath(team, name), { method: 'DELETE' }),
    listTemplates: (includeRetired) =>
      request<TemplateList>('/api/v1/templates', { query: { includeRetired } }),
    templateAvailability: (team) =>
      request<TemplateAvailabilityList>('/api/v1/templates/availability', {
        query: { team },
      }),
    createTemplate: (body) => request<Template>('/api/v1/templates', { method: 'POST', body }),
    updateTemplate: (name, body) => request<Template>(templatePath(name), { method: 'PUT', body }),
    retireTemplate: (name) => request<Template>(`${templatePath(name)}/retire`, { method: 'POST' }),
    restoreTemplate: (name) =>
      request<Template>(`${templatePath(name)}/restore`, { method: 'POST' }),
    deleteTemplate: (name) => requestNothing(templatePath(name), { method: 'DELETE' }),
    gpuInventory: () => request<GpuInventory>('/api/v1/gpus'),
    teamQuota: (team) => request<TeamQuota>(`/api/v1/teams/${encodeURIComponent(team)}/quota`),
    setTeamQuota: (team, body) =>
      request<TeamQuota>(`/api/v1/admin/teams/${encodeURIComponent(team)}/quota`, {
        method: 'PUT',
        body,
      }),
    about: () => request<AboutInfo>('/api/v1/about'),
    listJobs: (query = {}) => request<JobList>('/api/v1/jobs', { query: { ...query } }),
    getJob: (team, id) => request<JobDetail>(jobPath(team, id)),
    submitJob: (body) => request<JobDetail>('/api/v1/jobs/submissions', { method: 'POST', body }),
    submitRayJob: (body) => request<JobDetail>('/api/v1/jobs/rayjobs', { method: 'POST', body }),
    submitCatalogJob: (body) =>
      request<JobDetail>('/api/v1/jobs/catalog', { method: 'POST', body }),
    uploadPackage: (team, cluster, zip) =>
      request<PackageUploadResponse>(`${clusterPath(team, cluster)}/packages`, {
        method: 'POST',
        bytes: zip,
      }),
    stopJob: (team, id) => requestNothing(`${jobPath(team, id)}/stop`, { method: 'POST' }),
    deleteJob: (team, id) => requestNothing(jobPath(team, id), { method: 'DELETE' }),
    resubmitJob: (team, id) => request<ResubmitResponse>(`${jobPath(team, id)}/resubmit`),
    jobLog: (team, id, query = {}) =>
      request<JobLogChunk>(`${jobPath(team, id)}/log`, { query: { ...query } }),
    jobStreamPath: (team, id, offset) =>
      `${jobPath(team, id)}/stream${offset !== undefined ? `?offset=${offset}` : ''}`,
    jobLogDownloadPath: (team, id) => `${jobPath(team, id)}/log.txt`,
    listCatalog: () => request<CatalogList>('/api/v1/catalog'),
    createCatalogEntry: (body) =>
      request<CatalogEntry>('/api/v1/catalog', { method: 'POST', body }),
    deleteCatalogEntry: (id) =>
      requestNothing(`/api/v1/catalog/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    usageReport: (query = {}) => request<UsageReport>('/api/v1/usage', { query: { ...query } }),
    listServices: () => request<ServiceList>('/api/v1/services'),
    getService: (team, name) => request<ServiceDetail>(servicePath(team, name)),
    dryRunService: (body) =>
      request<ServiceDryRunResult>('/api/v1/services/dry-run', { method: 'POST', body }),
    createService: (body) => request<ServiceDetail>('/api/v1/services', { method: 'POST', body }),
    planServiceUpdate: (team, name, body) =>
      request<ServiceUpdatePlan>(`${servicePath(team, name)}/plan`, { method: 'POST', body }),
    updateService: (team, name, body) =>
      request<ServiceUpdatePlan>(servicePath(team, name), { method: 'PUT', body }),
    deleteService: (team, name) => requestNothing(servicePath(team, name), { method: 'DELETE' }),
    sendServiceRequest: (team, name, body) =>
      request<ServiceRequestResult>(`${servicePath(team, name)}/request`, { method: 'POST', body }),
    deployClusterServe: (team, name, body) =>
      requestNothing(`${clusterPath(team, name)}/serve/applications`, { method: 'PUT', body }),
    deleteClusterServe: (team, name) =>
      requestNothing(`${clusterPath(team, name)}/serve/applications`, { method: 'DELETE' }),
  };
}
