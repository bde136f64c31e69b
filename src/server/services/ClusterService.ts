import { stringify } from 'yaml';

import type { FieldError } from '../../shared/api/apiErrorBody.ts';
import type {
  ClusterDetail,
  ClusterList,
  ClusterListQuery,
  ClusterManifestResponse,
  CreateClusterRequest,
  ScaleRequest,
} from '../../shared/api/clusterSchemas.ts';
import { notAvailableThroughKubeRayApiServer } from '../../shared/api/notAvailableThroughKubeRayApiServer.ts';
import {
  type ClusterPolicyRequest,
  unboundedReplicas,
  validateClusterRequest,
  validateReplicaBounds,
} from '../../shared/api/validateClusterRequest.ts';
import type { KubeEventResource } from '../../shared/k8s/kubeTypes.ts';
import { clusterEndpoints } from '../../shared/ray/clusterEndpoints.ts';
import { clusterGpuDemand } from '../../shared/ray/clusterGpuDemand.ts';
import { suspendedByAnnotation } from '../../shared/ray/clusterPhase.ts';
import { clusterRequestOfRayCluster } from '../../shared/ray/clusterRequestOfRayCluster.ts';
import { explainCluster } from '../../shared/ray/explainCluster.ts';
import { gpuQuotaHeadroom } from '../../shared/ray/gpuQuotaHeadroom.ts';
import { gpuRequestOfPodSpec } from '../../shared/ray/gpuRequestOfPodSpec.ts';
import { normalizeEvent } from '../../shared/ray/normalizeEvent.ts';
import { type RayClusterResource, RayLabel } from '../../shared/ray/rayTypes.ts';
import { type AuthenticatedUser, authorize, visibleNamespaces } from '../auth/authorize.ts';
import type { KubeCache } from '../k8s/KubeCache.ts';
import type { KubeClient } from '../k8s/KubeClient.ts';
import type { KubeRayApiServerClient } from '../k8s/KubeRayApiServerClient.ts';
import { buildRayCluster } from './buildRayCluster.ts';
import { type ClusterIndex, type NamespaceScope, summarizeCluster } from './ClusterIndex.ts';
import { idempotencyKeyAnnotation, RaydeckLabel, raydeckManager } from './raydeckLabels.ts';
import {
  forbidden,
  kubeOperation,
  notFound,
  ServiceError,
  validationFailed,
} from './serviceErrors.ts';
import type { TemplateService } from './TemplateService.ts';

/** What a create answers: the summary, and the object as stored in JSON and YAML. */
function manifestResponse(cluster: RayClusterResource): ClusterManifestResponse {
  return { summary: summarizeCluster(cluster, []), manifest: cluster, yaml: stringify(cluster) };
}

/** The scope a user's lists are filtered by. */
export function scopeOf(user: AuthenticatedUser): NamespaceScope {
  const visible = visibleNamespaces(user);
  return visible === '*' ? '*' : new Set(visible);
}

/**
 * Cluster use cases with no HTTP in them: list and detail from the cache, and create (from a
 * template, validated before anything reaches Kubernetes, because the operator silently accepts
 * bad specs), preview, scale, suspend, resume and delete through the Kubernetes API.
 */
export class ClusterService {
  private readonly cache: KubeCache;
  private readonly client: KubeClient;
  private readonly index: ClusterIndex;
  private readonly templates: TemplateService;
  /** Base path of the portal's authenticated Ray dashboard proxy. */
  private readonly proxyBase: string;
  /**
   * Set through a KubeRay APIServer (`--apiserver-url`): core events are not cached, so a
   * cluster's events are read from its events.k8s.io route on each detail request.
   */
  private readonly kubeRayApiServer: KubeRayApiServerClient | undefined;

  constructor(options: {
    cache: KubeCache;
    client: KubeClient;
    index: ClusterIndex;
    templates: TemplateService;
    proxyBase?: string;
    kubeRayApiServer?: KubeRayApiServerClient;
  }) {
    this.kubeRayApiServer = options.kubeRayApiServer;
    this.cache = options.cache;
    this.client = options.client;
    this.index = options.index;
    this.templates = options.templates;
    this.proxyBase = options.proxyBase ?? '/api/v1/clusters';
  }

  list(user: AuthenticatedUser, query: ClusterListQuery): ClusterList {
    return this.index.list(query, scopeOf(user));
  }

  /**
   * Everything the detail page shows; 404 (not 403) for clusters of other teams. One GET of the
   * full object (for its YAML); everything else comes from the cache. A cluster the cache has
   * not seen yet (just created: the watch event is still on its way) is read from the API, so
   * its creator never sees "not found" for it.
   */
  async detail(user: AuthenticatedUser, namespace: string, name: string): Promise<ClusterDetail> {
    const cluster = await this.readableFresh(user, namespace, name);
    const pods = this.cache.podsOfCluster(namespace, name);
    const allPods = this.cache.list('Pod');
    const namespacePods = allPods.filter((pod) => pod.metadata.namespace === namespace);
    const kubeRay = this.kubeRayApiServer;
    const events: KubeEventResource[] = kubeRay
      ? await kubeOperation(() => kubeRay.rayObjectEvents(namespace, name))
      : this.cache.list('Event').filter((event) => (event.metadata.namespace ?? '') === namespace);
    const quotas = this.cache
      .list('ResourceQuota')
      .filter((quota) => quota.metadata.namespace === namespace);
    const nodes = this.cache.list('Node');
    // Without pods, nodes and quotas (through a KubeRay APIServer) there is nothing to explain
    // with; About's `connection.unavailable` says so and the why-pending card shows it.
    const explanation = !this.cache.serves('Pod')
      ? []
      : explainCluster({
          cluster,
          pods: namespacePods,
          events,
          quotas,
          nodes,
          allPods,
        });
    const relevant = new Set([cluster.metadata.uid, ...pods.map((pod) => pod.metadata.uid)]);
    const clusterEvents = events
      .map(normalizeEvent)
      .filter((event) => relevant.has(event.regarding.uid))
      .sort((left, right) => (right.lastTime ?? '').localeCompare(left.lastTime ?? ''))
      .slice(0, 100);
    // The head Service is not cached: names and ports come from the cluster's status, else
    // KubeRay's defaults; an Ingress from the spec counts, a NodePort needs a node address.
    const endpoints = clusterEndpoints(cluster, undefined, {
      entrypoint: 'workloads/gpu_check.py',
    });
    const proxyPath = `${this.proxyBase}/${namespace}/${name}/dashboard/`;
    return {
      summary: summarizeCluster(cluster, this.cache.serves('Pod') ? pods : undefined),
      // The cache holds a slim copy; the YAML view shows the object exactly as stored.
      resource: await kubeOperation(() =>
        this.client.getRayObject<RayClusterResource>('rayclusters', namespace, name),
      ).catch(() => cluster),
      explanation,
      pods: pods.map((pod) => {
        const statuses = pod.status?.containerStatuses ?? [];
        const waiting = statuses.map((status) => status.state?.waiting?.reason).find(Boolean);
        return {
          name: pod.metadata.name ?? '',
          group: pod.metadata.labels?.[RayLabel.group] ?? '',
          ...(pod.spec.nodeName ? { node: pod.spec.nodeName } : {}),
          phase: pod.status?.phase ?? 'Pending',
          ready: (pod.status?.conditions ?? []).some(
            (condition) => condition.type === 'Ready' && condition.status === 'True',
          ),
          gpus: gpuRequestOfPodSpec(pod.spec).total,
          restarts: statuses.reduce((sum, status) => sum + (status.restartCount ?? 0), 0),
          ...(waiting ? { reason: waiting } : {}),
        };
      }),
      events: clusterEvents.map((event) => ({
        type: event.type,
        reason: event.reason,
        message: event.message,
        object: `${event.regarding.kind ?? ''}/${event.regarding.name ?? ''}`,
        count: event.count,
        ...(event.lastTime ? { lastSeen: event.lastTime } : {}),
      })),
      endpoints: {
        dashboardUrl: endpoints.exposure === 'portalProxy' ? proxyPath : endpoints.dashboardUrl,
        proxyPath,
        clientAddress: endpoints.clientAddress,
        jobsApiAddress: endpoints.inClusterDashboardUrl,
        jobSubmitExample: endpoints.inClusterJobSubmitExample,
      },
    };
  }

  /** Validates a create request and builds its manifest, without touching Kubernetes. */
  async plan(user: AuthenticatedUser, request: CreateClusterRequest): Promise<RayClusterResource> {
    if (!authorize(user, 'write', request.team)) {
      throw new ServiceError(
        403,
        'Forbidden',
        `you cannot create clusters in team "${request.team}"`,
        [{ path: 'body.team', message: 'is not one of your teams' }],
      );
    }
    const fields: FieldError[] = [];
    const template = this.templates.find(request.template);
    if (!template || template.retired) {
      fields.push({ path: 'body.template', message: template ? 'is retired' : 'does not exist' });
    }
    if (this.cache.get('RayCluster', request.team, request.name)) {
      throw new ServiceError(
        409,
        'AlreadyExists',
        `cluster "${request.team}/${request.name}" already exists`,
        [{ path: 'body.name', message: 'is already used in this team' }],
      );
    }
    if (template) {
      fields.push(
        ...validateClusterRequest(request, template).map((field) => ({
          ...field,
          path: `body.${field.path}`,
        })),
      );
    }
    // Claims cannot be looked up through a KubeRay APIServer: say so rather than "no claim".
    if (this.kubeRayApiServer && request.volumes?.length) {
      fields.push({
        path: 'body.volumes',
        message: notAvailableThroughKubeRayApiServer('Mounting volumes (their claims are checked)'),
      });
    }
    for (const [index, volume] of (this.kubeRayApiServer
      ? []
      : (request.volumes ?? [])
    ).entries()) {
      if (!(await this.client.hasPersistentVolumeClaim(request.team, volume.claimName))) {
        fields.push({
          path: `body.volumes[${index}].claimName`,
          message: `no PersistentVolumeClaim "${volume.claimName}" in ${request.team}`,
        });
      }
    }
    if (fields.length > 0 || !template) throw validationFailed(fields);
    const manifest = buildRayCluster(request, template, user.username);
    this.refuseBeyondQuota(request.team, manifest);
    return manifest;
  }

  /**
   * 409 `QuotaExceeded` when the cluster's GPUs (all pods at their initial replicas) exceed a
   * team ResourceQuota's hard limit: it could never run whole (Kubernetes would admit the
   * RayCluster and refuse its pods for good), so it is refused before create, naming the quota.
   * A cluster that fits the limit but not the headroom left by others is created and shown
   * blocked with the reason by "why pending" (it starts when the team frees GPUs).
   */
  private refuseBeyondQuota(team: string, manifest: RayClusterResource): void {
    if (!this.cache.serves('ResourceQuota')) return;
    const quotas = this.cache
      .list('ResourceQuota')
      .filter((quota) => quota.metadata.namespace === team);
    const wanted = new Map<string, number>();
    for (const entry of clusterGpuDemand(manifest).byProduct) {
      wanted.set(entry.resource, (wanted.get(entry.resource) ?? 0) + entry.gpus);
    }
    const messages = gpuQuotaHeadroom(quotas).limits.flatMap((limit) => {
      const resource = limit.key.replace(/^(?:requests|limits)\./, '');
      const gpus = wanted.get(resource) ?? 0;
      return gpus > limit.hard
        ? [
            `this cluster wants ${gpus} ${resource} but team "${team}" quota ${limit.quota} allows ${limit.hard} in all (${limit.key})`,
          ]
        : [];
    });
    if (messages.length === 0) return;
    throw new ServiceError(409, 'QuotaExceeded', messages.join('; '), [
      { path: 'body.workerGroups', message: messages.join('; ') },
    ]);
  }

  /** The manifest as Kubernetes would store it (server dry run), as JSON and YAML. */
  async preview(
    user: AuthenticatedUser,
    request: CreateClusterRequest,
  ): Promise<ClusterManifestResponse> {
    const manifest = await this.plan(user, request);
    const defaulted = await kubeOperation(() =>
      this.client.createRayObject('rayclusters', request.team, manifest, true),
    );
    return { manifest: defaulted, yaml: stringify(defaulted) };
  }

  /**
   * Creates the cluster. `idempotencyKeyDigest` (from the request's Idempotency-Key) is stored
   * as an annotation, so {@link findCreatedWithKey} can tell later whether this create happened.
   */
  async create(
    user: AuthenticatedUser,
    request: CreateClusterRequest,
    options: { idempotencyKeyDigest?: string } = {},
  ): Promise<ClusterManifestResponse> {
    const manifest = await this.plan(user, request);
    if (options.idempotencyKeyDigest) {
      manifest.metadata.annotations = {
        ...manifest.metadata.annotations,
        [idempotencyKeyAnnotation]: options.idempotencyKeyDigest,
      };
    }
    const created = await kubeOperation(() =>
      this.client.createRayObject('rayclusters', request.team, manifest),
    );
    return manifestResponse(created);
  }

  /**
   * The create answer for `namespace/name` if that cluster exists and was created with the
   * Idempotency-Key whose digest is `digest`; undefined otherwise. Reads the object from the API
   * (not the cache), so it holds right after a create and in full.
   */
  async findCreatedWithKey(
    namespace: string,
    name: string,
    digest: string,
  ): Promise<ClusterManifestResponse | undefined> {
    let found: RayClusterResource;
    try {
      found = await kubeOperation(() =>
        this.client.getRayObject<RayClusterResource>('rayclusters', namespace, name),
      );
    } catch (error) {
      if (error instanceof ServiceError && error.statusCode === 404) return undefined;
      throw error;
    }
    return found.metadata.annotations?.[idempotencyKeyAnnotation] === digest
      ? manifestResponse(found)
      : undefined;
  }

  /** Sets a worker group's replicas (and bounds), guarded against concurrent reordering. */
  async scale(
    user: AuthenticatedUser,
    namespace: string,
    name: string,
    request: ScaleRequest,
  ): Promise<void> {
    const cluster = this.writable(user, namespace, name);
    const groups = cluster.spec.workerGroupSpecs ?? [];
    const index = groups.findIndex((group) => group.groupName === request.group);
    const group = groups[index];
    if (!group) {
      throw validationFailed([
        {
          path: 'body.group',
          message: `no worker group "${request.group}" (groups: ${groups.map((g) => g.groupName).join(', ') || 'none'})`,
        },
      ]);
    }
    const min = request.minReplicas ?? group.minReplicas ?? 0;
    const max = request.maxReplicas ?? group.maxReplicas ?? unboundedReplicas;
    const current = clusterRequestOfRayCluster(cluster);
    const scaled: ClusterPolicyRequest = {
      ...current,
      workerGroups: (current.workerGroups ?? []).map((entry, at) =>
        at === index
          ? { ...entry, replicas: request.replicas, minReplicas: min, maxReplicas: max }
          : entry,
      ),
    };
    // A scale that raises nothing only brings a cluster closer to its template (e.g. one made
    // before the template was tightened), so it needs no more than sane bounds.
    const raises =
      request.replicas > (group.replicas ?? 0) ||
      min > (group.minReplicas ?? 0) ||
      max > (group.maxReplicas ?? unboundedReplicas);
    const fields = raises ? this.policyErrors(cluster, scaled) : [];
    if (fields.length === 0) {
      fields.push(
        ...validateReplicaBounds(
          { replicas: request.replicas, minReplicas: min, maxReplicas: max },
          `workerGroups[${index}]`,
        ),
      );
    }
    const prefix = `workerGroups[${index}].`;
    if (fields.length > 0) {
      // The scaled group's bounds are the request's fields; anything else is the cluster's.
      throw validationFailed(
        fields.map((field) => {
          const own = field.path.slice(prefix.length);
          return {
            ...field,
            path:
              field.path.startsWith(prefix) &&
              ['replicas', 'minReplicas', 'maxReplicas'].includes(own)
                ? `body.${own}`
                : `cluster.${field.path}`,
          };
        }),
      );
    }
    const base = `/spec/workerGroupSpecs/${index}`;
    await kubeOperation(() =>
      this.client.jsonPatchRayObject('rayclusters', namespace, name, [
        { op: 'test', path: `${base}/groupName`, value: request.group },
        { op: 'replace', path: `${base}/replicas`, value: request.replicas },
        { op: 'replace', path: `${base}/minReplicas`, value: min },
        { op: 'replace', path: `${base}/maxReplicas`, value: max },
      ]),
    );
  }

  async setSuspended(
    user: AuthenticatedUser,
    namespace: string,
    name: string,
    suspend: boolean,
  ): Promise<void> {
    const cluster = this.writable(user, namespace, name);
    if (!suspend) {
      // Resuming brings every pod back: the cluster must fit its template as it is now.
      const fields = this.policyErrors(cluster, clusterRequestOfRayCluster(cluster));
      if (fields.length > 0) {
        throw validationFailed(
          fields.map((field) => ({ ...field, path: `cluster.${field.path}` })),
        );
      }
    }
    // Who suspended it, so a suspension by its owner is not read as Kueue's (Queued).
    await kubeOperation(() =>
      this.client.mergePatchRayObject('rayclusters', namespace, name, {
        metadata: { annotations: { [suspendedByAnnotation]: suspend ? user.username : null } },
        spec: { suspend },
      }),
    );
  }

  async delete(user: AuthenticatedUser, namespace: string, name: string): Promise<void> {
    this.writable(user, namespace, name);
    await kubeOperation(() => this.client.deleteRayObject('rayclusters', namespace, name));
  }

  /**
   * What keeps `shape` of `cluster` from fitting the current version of the cluster's template
   * (the only version stored: an update replaces the ConfigMap). A tightened template therefore
   * binds running clusters at their next scale-up or resume, not only new ones; a retired one
   * still governs its clusters; a deleted one allows no growth. Clusters Raydeck did not create
   * (no template label) have no template: their creator had Kubernetes access, which no template
   * limits.
   */
  private policyErrors(cluster: RayClusterResource, shape: ClusterPolicyRequest): FieldError[] {
    const labels = cluster.metadata.labels ?? {};
    const templateName = labels[RaydeckLabel.template];
    if (labels[RaydeckLabel.managedBy] !== raydeckManager || templateName === undefined) return [];
    const template = this.templates.find(templateName);
    if (!template) {
      return [{ path: 'template', message: `template "${templateName}" no longer exists` }];
    }
    return validateClusterRequest(shape, template);
  }

  private readable(user: AuthenticatedUser, namespace: string, name: string): RayClusterResource {
    const cluster = this.cache.get('RayCluster', namespace, name);
    // Other teams' clusters are indistinguishable from missing ones.
    if (!cluster || !authorize(user, 'read', namespace))
      throw notFound(`cluster "${namespace}/${name}"`);
    return cluster;
  }

  /** {@link readable}, falling back to a GET when the cache has not seen the cluster yet. */
  private async readableFresh(
    user: AuthenticatedUser,
    namespace: string,
    name: string,
  ): Promise<RayClusterResource> {
    const cached = this.cache.get('RayCluster', namespace, name);
    if (cached || !authorize(user, 'read', namespace)) return this.readable(user, namespace, name);
    try {
      return await kubeOperation(() =>
        this.client.getRayObject<RayClusterResource>('rayclusters', namespace, name),
      );
    } catch (error) {
      if (error instanceof ServiceError && error.statusCode === 404) {
        throw notFound(`cluster "${namespace}/${name}"`);
      }
      throw error;
    }
  }

  private writable(user: AuthenticatedUser, namespace: string, name: string): RayClusterResource {
    const cluster = this.readable(user, namespace, name);
    if (!authorize(user, 'write', namespace))
      throw forbidden(`you may not change clusters in team "${namespace}"`);
    return cluster;
  }
}
