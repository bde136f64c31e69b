import type { IncomingMessage } from 'node:http';

import { parse, stringify } from 'yaml';

import type { FieldError } from '../../shared/api/apiErrorBody.ts';
import type { CreateClusterRequest } from '../../shared/api/clusterSchemas.ts';
import {
  type CreateServiceRequest,
  type ServiceDetail,
  type ServiceDryRunResult,
  type ServiceList,
  type ServiceRequestInput,
  serviceRequestMaxBodyBytes,
  type ServiceRequestResult,
  type ServiceUpdatePlan,
  type UpdateServiceRequest,
} from '../../shared/api/serviceSchemas.ts';
import { clusterRequestOfRayCluster } from '../../shared/ray/clusterRequestOfRayCluster.ts';
import {
  gpusOfClusterSpec,
  rayServiceClusters,
  rayServiceTimeline,
  summarizeRayService,
  upgradeStrategyOf,
} from '../../shared/ray/describeRayService.ts';
import { normalizeEvent } from '../../shared/ray/normalizeEvent.ts';
import type { RayClusterResource, RayServiceResource } from '../../shared/ray/rayTypes.ts';
import { validateServeConfig } from '../../shared/ray/validateServeConfig.ts';
import { type AuthenticatedUser, authorize } from '../auth/authorize.ts';
import type { KubeCache } from '../k8s/KubeCache.ts';
import type { KubeClient } from '../k8s/KubeClient.ts';
import type { ServiceProxy } from '../k8s/serviceProxyRequest.ts';
import type { ClusterService } from './ClusterService.ts';
import { RaydeckLabel } from './raydeckLabels.ts';
import {
  forbidden,
  kubeOperation,
  notFound,
  ServiceError,
  validationFailed,
} from './serviceErrors.ts';

/** Serve's HTTP proxy port on the head (KubeRay's `serve` port, 8000). */
const servePort = 8000;

/**
 * The Serve config's problems as field errors on `path` (e.g. `body.serveConfigV2`), each
 * message starting with its line so the editor and the CLI can point at it.
 */
export function serveConfigFieldErrors(text: string, path: string): FieldError[] {
  return validateServeConfig(text).problems.map((problem) => ({
    path,
    message: `line ${problem.line}: ${problem.path ? `${problem.path}: ` : ''}${problem.message}`,
  }));
}

/** Reads an upstream answer up to `limit` bytes (the rest is drained and dropped). */
async function readLimited(
  response: IncomingMessage,
  limit: number,
): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of response) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    if (size + bytes.length > limit) {
      chunks.push(bytes.subarray(0, limit - size));
      size = limit;
      truncated = true;
      continue;
    }
    chunks.push(bytes);
    size += bytes.length;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated };
}

/**
 * RayService ("service") use cases: list and detail from the watch-fed cache, create from a
 * compute template (the cluster part is planned by {@link ClusterService.plan}: same template,
 * version, group and volume rules), server dry run, update with an explained plan (in place vs
 * new cluster), delete, "send a request" to the Serve HTTP proxy through the Kubernetes service
 * proxy, and Serve deploys on a plain RayCluster through its dashboard's Serve REST API.
 */
export class RayServiceService {
  private readonly cache: KubeCache;
  private readonly client: KubeClient;
  private readonly clusters: ClusterService;
  private readonly proxy: ServiceProxy;
  /** Milliseconds on a monotonic clock (latency of "send a request"); injected by tests. */
  private readonly now: () => number;

  constructor(options: {
    cache: KubeCache;
    client: KubeClient;
    clusters: ClusterService;
    proxy: ServiceProxy;
    now?: () => number;
  }) {
    this.cache = options.cache;
    this.client = options.client;
    this.clusters = options.clusters;
    this.proxy = options.proxy;
    this.now = options.now ?? (() => performance.now());
  }

  list(user: AuthenticatedUser): ServiceList {
    const items = this.cache
      .list('RayService')
      .filter((service) => authorize(user, 'read', service.metadata.namespace ?? ''))
      .map(summarizeRayService)
      .sort(
        (left, right) => left.team.localeCompare(right.team) || left.name.localeCompare(right.name),
      );
    return { items };
  }

  async detail(user: AuthenticatedUser, team: string, name: string): Promise<ServiceDetail> {
    const service = await this.readable(user, team, name);
    const findCluster = (cluster: string) => this.cache.get('RayCluster', team, cluster);
    const clusters = rayServiceClusters(service, findCluster);
    const relevant = new Set([
      service.metadata.uid,
      ...clusters.map((c) => findCluster(c.name)?.metadata.uid),
    ]);
    const events = this.cache.serves('Event')
      ? this.cache
          .list('Event')
          .filter((event) => (event.metadata.namespace ?? '') === team)
          .map(normalizeEvent)
          .filter((event) => relevant.has(event.regarding.uid))
          .sort((left, right) => (right.lastTime ?? '').localeCompare(left.lastTime ?? ''))
          .slice(0, 50)
      : [];
    const configured = validateServeConfig(service.spec.serveConfigV2 ?? '').summary;
    const base = `/api/v1/services/${team}/${name}/request`;
    const labels = service.metadata.labels ?? {};
    const head = service.spec.rayClusterConfig.headGroupSpec.template.spec?.containers[0];
    return {
      summary: summarizeRayService(service),
      serveConfigV2: service.spec.serveConfigV2 ?? '',
      clusters,
      endpoints: (configured?.applications ?? [])
        .filter((app) => app.routePrefix !== null)
        .map((app) => ({
          application: app.name,
          routePrefix: app.routePrefix ?? '/',
          inClusterUrl: `http://${name}-serve-svc.${team}.svc.cluster.local:${servePort}${app.routePrefix ?? '/'}`,
          portalRequestPath: base,
        })),
      timeline: rayServiceTimeline(service, clusters, events),
      failures: events
        .filter((event) => event.type === 'Warning')
        .map((event) => ({ reason: event.reason, message: event.message })),
      cluster: {
        template: labels[RaydeckLabel.template] ?? '',
        ...(service.spec.rayClusterConfig.rayVersion
          ? { rayVersion: service.spec.rayClusterConfig.rayVersion }
          : {}),
        ...(head?.image ? { image: head.image } : {}),
      },
    };
  }

  /**
   * Validates a create request (Serve config and cluster together, so every bad field is
   * named at once) and builds the RayService; nothing reaches Kubernetes.
   */
  async plan(user: AuthenticatedUser, request: CreateServiceRequest): Promise<RayServiceResource> {
    const { serveConfigV2, upgradeStrategy, ...clusterRequest } = request;
    const fields = serveConfigFieldErrors(serveConfigV2, 'body.serveConfigV2');
    if (this.cache.get('RayService', request.team, request.name)) {
      throw new ServiceError(
        409,
        'AlreadyExists',
        `service "${request.team}/${request.name}" already exists`,
        [{ path: 'body.name', message: 'is already used in this team' }],
      );
    }
    let cluster: RayClusterResource | undefined;
    try {
      cluster = await this.clusters.plan(user, clusterRequest);
    } catch (error) {
      // A RayCluster of the same name does not collide with a RayService (its clusters are
      // `<name>-<suffix>`); any other refusal of the cluster part joins the Serve config's.
      if (error instanceof ServiceError && error.statusCode === 400) {
        fields.push(...(error.fields ?? []));
      } else if (!(error instanceof ServiceError && error.reason === 'AlreadyExists')) {
        throw error;
      } else {
        cluster = await this.clusters
          .plan(user, { ...clusterRequest, name: `${request.name}-x` })
          .catch((inner: unknown) => {
            if (inner instanceof ServiceError && inner.statusCode === 400)
              fields.push(...(inner.fields ?? []));
            else throw inner;
            return undefined;
          });
      }
    }
    if (fields.length > 0 || !cluster) throw validationFailed(fields);
    return {
      apiVersion: 'ray.io/v1',
      kind: 'RayService',
      metadata: {
        name: request.name,
        namespace: request.team,
        labels: cluster.metadata.labels ?? {},
      },
      spec: {
        serveConfigV2,
        upgradeStrategy: { type: upgradeStrategy ?? 'NewCluster' },
        rayClusterConfig: withServePort(cluster.spec),
      },
    };
  }

  async dryRun(
    user: AuthenticatedUser,
    request: CreateServiceRequest,
  ): Promise<ServiceDryRunResult> {
    const manifest = await this.plan(user, request);
    const defaulted = await kubeOperation(() =>
      this.client.createRayObject('rayservices', request.team, manifest, true),
    );
    return {
      yaml: stringify(defaulted),
      applications: validateServeConfig(request.serveConfigV2).summary?.applications ?? [],
      gpus: gpusOfClusterSpec(manifest.spec.rayClusterConfig),
    };
  }

  async create(user: AuthenticatedUser, request: CreateServiceRequest): Promise<ServiceDetail> {
    const manifest = await this.plan(user, request);
    const created = await kubeOperation(() =>
      this.client.createRayObject('rayservices', request.team, manifest),
    );
    return this.detailOf(created);
  }

  /**
   * What an update would do. KubeRay updates Serve apps in place when only `serveConfigV2`
   * changes; a `rayClusterConfig` change starts a new cluster and switches traffic once its
   * apps run (NewCluster), or is ignored with strategy `None`.
   */
  async planUpdate(
    user: AuthenticatedUser,
    team: string,
    name: string,
    request: UpdateServiceRequest,
  ): Promise<{ plan: ServiceUpdatePlan; patch: object }> {
    const service = this.writable(user, team, name);
    const fields = serveConfigFieldErrors(request.serveConfigV2, 'body.serveConfigV2');
    const serveConfigChanged = request.serveConfigV2 !== (service.spec.serveConfigV2 ?? '');
    const wantsCluster =
      request.rayVersion !== undefined ||
      request.image !== undefined ||
      request.workerGroups !== undefined ||
      request.env !== undefined;
    let clusterSpec: RayServiceResource['spec']['rayClusterConfig'] | undefined;
    if (wantsCluster) {
      const template = service.metadata.labels?.[RaydeckLabel.template];
      if (!template) {
        fields.push({
          path: 'body',
          message: 'this service was not created from a template: change its cluster with kubectl',
        });
      } else {
        const current = clusterRequestOfRayCluster({
          metadata: { name, namespace: team },
          spec: service.spec.rayClusterConfig,
        });
        const next: CreateClusterRequest = {
          name: `${name}-x`,
          team,
          template,
          ...(current.rayVersion ? { rayVersion: current.rayVersion } : {}),
          ...(current.workerGroups
            ? { workerGroups: current.workerGroups.map((group) => ({ ...group })) }
            : {}),
          ...(request.rayVersion ? { rayVersion: request.rayVersion } : {}),
          ...(request.image ? { image: request.image } : {}),
          ...(request.workerGroups ? { workerGroups: request.workerGroups } : {}),
          ...(request.env ? { env: request.env } : {}),
        };
        try {
          clusterSpec = withServePort((await this.clusters.plan(user, next)).spec);
        } catch (error) {
          if (error instanceof ServiceError && error.statusCode === 400)
            fields.push(...(error.fields ?? []));
          else throw error;
        }
      }
    }
    if (fields.length > 0) throw validationFailed(fields);
    const clusterChanged =
      clusterSpec !== undefined &&
      JSON.stringify(clusterSpec) !== JSON.stringify(service.spec.rayClusterConfig);
    const strategy = upgradeStrategyOf(service);
    const kind: ServiceUpdatePlan['kind'] = clusterChanged
      ? strategy === 'None'
        ? 'clusterUpdateIgnored'
        : 'newCluster'
      : serveConfigChanged
        ? 'inPlace'
        : 'none';
    const explanation = {
      none: 'Nothing changes.',
      inPlace:
        'Only the Serve config changes: KubeRay sends it to the running cluster, which updates the apps in place (no new cluster; deployments whose code or options changed restart their replicas).',
      newCluster:
        'The cluster shape changes: KubeRay starts a new cluster beside the current one, deploys the Serve config there, and switches traffic only when all its apps are RUNNING; the old cluster is deleted about 60 s later. Until then the old cluster keeps serving.',
      clusterUpdateIgnored:
        "The cluster shape changes, but this service's upgrade strategy is None: KubeRay will not start a new cluster, so the change does not take effect (only Serve config changes apply).",
    }[kind];
    return {
      plan: { kind, explanation, serveConfigChanged, clusterChanged },
      patch: {
        spec: {
          serveConfigV2: request.serveConfigV2,
          ...(clusterChanged && clusterSpec ? { rayClusterConfig: clusterSpec } : {}),
        },
      },
    };
  }

  async update(
    user: AuthenticatedUser,
    team: string,
    name: string,
    request: UpdateServiceRequest,
  ): Promise<ServiceUpdatePlan> {
    const { plan, patch } = await this.planUpdate(user, team, name, request);
    if (plan.kind !== 'none') {
      await kubeOperation(() => this.client.mergePatchRayObject('rayservices', team, name, patch));
    }
    return plan;
  }

  async delete(user: AuthenticatedUser, team: string, name: string): Promise<void> {
    this.writable(user, team, name);
    await kubeOperation(() => this.client.deleteRayObject('rayservices', team, name));
  }

  /**
   * Sends a request to `<name>-serve-svc:serve` through the Kubernetes service proxy: only for
   * services of the user's own teams (write access), bodies limited by the schema, answers cut
   * at {@link serviceRequestMaxBodyBytes}. Latency is measured here, proxy hops included.
   */
  async sendRequest(
    user: AuthenticatedUser,
    team: string,
    name: string,
    input: ServiceRequestInput,
  ): Promise<ServiceRequestResult> {
    this.writable(user, team, name);
    const body = input.method === 'POST' ? Buffer.from(input.body ?? '', 'utf8') : undefined;
    const started = this.now();
    let response: IncomingMessage;
    try {
      response = await this.proxy({
        namespace: team,
        service: `${name}-serve-svc`,
        port: 'serve',
        path: input.path,
        method: input.method,
        headers: {
          accept: '*/*',
          ...(body
            ? { 'content-type': input.contentType ?? 'text/plain', 'content-length': body.length }
            : {}),
        },
        ...(body ? { body } : {}),
      });
    } catch (error) {
      throw new ServiceError(
        502,
        'ServeUnreachable',
        `the Serve HTTP proxy of "${team}/${name}" did not answer: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const { text, truncated } = await readLimited(response, serviceRequestMaxBodyBytes);
    return {
      status: response.statusCode ?? 0,
      latencyMs: Math.round((this.now() - started) * 10) / 10,
      contentType: String(response.headers['content-type'] ?? ''),
      body: text,
      truncated,
    };
  }

  /**
   * Deploys a Serve config to a plain RayCluster: `PUT /api/serve/applications/` on its
   * dashboard (`<name>-head-svc:dashboard`) with the config as JSON, as KubeRay does. The whole
   * declarative config is replaced: apps missing from it are deleted by Serve.
   */
  async deployOnCluster(
    user: AuthenticatedUser,
    team: string,
    name: string,
    serveConfig: string,
  ): Promise<void> {
    this.writableCluster(user, team, name);
    const fields = serveConfigFieldErrors(serveConfig, 'body.serveConfig');
    if (fields.length > 0) throw validationFailed(fields);
    const json = Buffer.from(JSON.stringify(parse(serveConfig)), 'utf8');
    await this.dashboardCall(team, name, 'PUT', json);
  }

  /** Deletes every Serve application of a plain RayCluster (`DELETE /api/serve/applications/`). */
  async deleteOnCluster(user: AuthenticatedUser, team: string, name: string): Promise<void> {
    this.writableCluster(user, team, name);
    await this.dashboardCall(team, name, 'DELETE');
  }

  private async dashboardCall(
    team: string,
    name: string,
    method: string,
    body?: Buffer,
  ): Promise<void> {
    const response = await this.proxy({
      namespace: team,
      service: `${name}-head-svc`,
      port: 'dashboard',
      path: '/api/serve/applications/',
      method,
      headers: body ? { 'content-type': 'application/json', 'content-length': body.length } : {},
      ...(body ? { body } : {}),
    }).catch((error: unknown) => {
      throw new ServiceError(
        502,
        'DashboardUnreachable',
        `the Ray dashboard of "${team}/${name}" did not answer: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    const { text } = await readLimited(response, 4096);
    const status = response.statusCode ?? 0;
    if (status >= 400) {
      throw new ServiceError(
        status >= 500 ? 502 : 400,
        'ServeDeployFailed',
        `Ray Serve refused the request (${status}): ${text.slice(0, 500)}`,
        [{ path: 'body.serveConfig', message: text.slice(0, 500) }],
      );
    }
  }

  private detailOf(service: RayServiceResource): ServiceDetail {
    const clusters = rayServiceClusters(service, () => undefined);
    return {
      summary: summarizeRayService(service),
      serveConfigV2: service.spec.serveConfigV2 ?? '',
      clusters,
      endpoints: [],
      timeline: rayServiceTimeline(service, clusters, []),
      failures: [],
      cluster: { template: service.metadata.labels?.[RaydeckLabel.template] ?? '' },
    };
  }

  private async readable(
    user: AuthenticatedUser,
    team: string,
    name: string,
  ): Promise<RayServiceResource> {
    if (!authorize(user, 'read', team)) throw notFound(`service "${team}/${name}"`);
    const cached = this.cache.get('RayService', team, name);
    if (cached) return cached;
    try {
      // Just created: the watch event may still be on its way.
      return await kubeOperation(() =>
        this.client.getRayObject<RayServiceResource>('rayservices', team, name),
      );
    } catch (error) {
      if (error instanceof ServiceError && error.statusCode === 404)
        throw notFound(`service "${team}/${name}"`);
      throw error;
    }
  }

  private writable(user: AuthenticatedUser, team: string, name: string): RayServiceResource {
    const service = this.cache.get('RayService', team, name);
    if (!service || !authorize(user, 'read', team)) throw notFound(`service "${team}/${name}"`);
    if (!authorize(user, 'write', team))
      throw forbidden(`you may not change services in team "${team}"`);
    return service;
  }

  private writableCluster(user: AuthenticatedUser, team: string, name: string): void {
    if (!this.cache.get('RayCluster', team, name) || !authorize(user, 'read', team)) {
      throw notFound(`cluster "${team}/${name}"`);
    }
    if (!authorize(user, 'write', team))
      throw forbidden(`you may not change clusters in team "${team}"`);
  }
}

/**
 * The cluster spec with the head's `serve` port (8000) declared: KubeRay's serve Service
 * targets it, and the Ray head's Serve proxy listens there.
 */
function withServePort(
  spec: RayServiceResource['spec']['rayClusterConfig'],
): RayServiceResource['spec']['rayClusterConfig'] {
  const template = spec.headGroupSpec.template;
  const containers = (template.spec?.containers ?? []).map((container, index) =>
    index === 0 && !(container.ports ?? []).some((port) => port.name === 'serve')
      ? {
          ...container,
          ports: [...(container.ports ?? []), { name: 'serve', containerPort: servePort }],
        }
      : container,
  );
  return {
    ...spec,
    headGroupSpec: {
      ...spec.headGroupSpec,
      template: { ...template, spec: { ...template.spec, containers } },
    },
  };
}
