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
  Template,
  TemplateAvailabilityList,
  TemplateInput,
  TemplateList,
} from '../api/templateSchemas.ts';
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
  about(): Promise<AboutInfo>;
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
    about: () => request<AboutInfo>('/api/v1/about'),
  };
}
