import type {
  ServeApplicationView,
  ServiceClusterView,
  ServiceState,
  ServiceSummary,
  ServiceTimelineEntry,
  UpgradeStrategy,
} from '../api/serviceSchemas.ts';
import { gpuRequestOfPodSpec } from './gpuRequestOfPodSpec.ts';
import type { NormalizedEvent } from './normalizeEvent.ts';
import type {
  RayClusterResource,
  RayServiceClusterStatus,
  RayServiceResource,
} from './rayTypes.ts';
import { validateServeConfig } from './validateServeConfig.ts';

/** Labels Raydeck puts on what it creates (the server's RaydeckLabel, repeated as plain strings). */
const ownerLabel = 'raydeck.dev/owner';
const templateLabel = 'raydeck.dev/template';

function condition(service: RayServiceResource, type: string) {
  return (service.status?.conditions ?? []).find((entry) => entry.type === type);
}

/** `spec.upgradeStrategy.type`, KubeRay's default `NewCluster` when unset or unknown. */
export function upgradeStrategyOf(service: RayServiceResource): UpgradeStrategy {
  const type = service.spec.upgradeStrategy?.type;
  return type === 'None' || type === 'NewClusterWithIncrementalUpgrade' ? type : 'NewCluster';
}

/** GPUs a RayCluster spec asks for: head plus every desired worker. */
export function gpusOfClusterSpec(spec: RayServiceResource['spec']['rayClusterConfig']): number {
  const head = gpuRequestOfPodSpec(spec.headGroupSpec.template.spec ?? { containers: [] }).total;
  return (spec.workerGroupSpecs ?? []).reduce(
    (sum, group) =>
      sum +
      gpuRequestOfPodSpec(group.template.spec ?? { containers: [] }).total *
        (group.replicas ?? group.minReplicas ?? 0) *
        (group.numOfHosts ?? 1),
    head,
  );
}

/**
 * The service's state in a word, from KubeRay's conditions: `Suspended`, `Deleting`,
 * `Upgrading` (UpgradeInProgress True), `Failed` (Ready False with `InitializingTimeout` or
 * `ValidationFailed`, both terminal), `Ready` (Ready True), `Unhealthy` (was serving, now zero
 * endpoints or an app not RUNNING), else `Initializing`.
 */
export function rayServiceState(service: RayServiceResource): ServiceState {
  if (service.metadata.deletionTimestamp) return 'Deleting';
  if (condition(service, 'Suspended')?.status === 'True' || service.spec.suspend) {
    return 'Suspended';
  }
  const ready = condition(service, 'Ready');
  if (ready?.reason === 'InitializingTimeout' || ready?.reason === 'ValidationFailed') {
    return 'Failed';
  }
  if (condition(service, 'UpgradeInProgress')?.status === 'True') return 'Upgrading';
  const apps = Object.values(service.status?.activeServiceStatus?.applicationStatuses ?? {});
  if (ready?.status === 'True') {
    return apps.some((app) => app.status !== 'RUNNING') ? 'Unhealthy' : 'Ready';
  }
  if (ready?.reason === 'ZeroServeEndpoints') return 'Unhealthy';
  return 'Initializing';
}

/** One row of the services list. */
export function summarizeRayService(service: RayServiceResource): ServiceSummary {
  const meta = service.metadata;
  const ready = condition(service, 'Ready');
  const active = service.status?.activeServiceStatus;
  const pending = service.status?.pendingServiceStatus;
  const apps = Object.values(active?.applicationStatuses ?? {});
  const configured = validateServeConfig(service.spec.serveConfigV2 ?? '').summary;
  return {
    team: meta.namespace ?? '',
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    owner: meta.labels?.[ownerLabel] ?? '',
    template: meta.labels?.[templateLabel] ?? '',
    createdAt: meta.creationTimestamp ?? '',
    state: rayServiceState(service),
    reason: ready?.reason ?? '',
    message: ready?.message ?? '',
    upgradeStrategy: upgradeStrategyOf(service),
    upgradeInProgress: condition(service, 'UpgradeInProgress')?.status === 'True',
    applications: {
      running: apps.filter((app) => app.status === 'RUNNING').length,
      total: Math.max(apps.length, configured?.applications.length ?? 0),
    },
    numServeEndpoints: service.status?.numServeEndpoints ?? 0,
    gpus: gpusOfClusterSpec(service.spec.rayClusterConfig),
    activeCluster: active?.rayClusterName || null,
    pendingCluster: pending?.rayClusterName || null,
  };
}

/** A RayCluster's readiness in a word (its conditions; `HeadPodReady` then `RayClusterProvisioned`). */
function clusterState(cluster: RayClusterResource | undefined): string {
  if (!cluster) return 'not created yet';
  const conditions = cluster.status?.conditions ?? [];
  const isTrue = (type: string) =>
    conditions.some((entry) => entry.type === type && entry.status === 'True');
  if (isTrue('RayClusterReplicaFailure')) return 'failing to create pods';
  if (isTrue('RayClusterProvisioned') && isTrue('HeadPodReady')) return 'ready';
  if (isTrue('HeadPodReady')) return 'head ready, workers starting';
  return 'starting';
}

/** The apps of one cluster status, with route and import path from the config that runs there. */
function applicationViews(
  status: RayServiceClusterStatus | undefined,
  serveConfig: string,
): ServeApplicationView[] {
  const configured = validateServeConfig(serveConfig).summary?.applications ?? [];
  return Object.entries(status?.applicationStatuses ?? {})
    .map(([name, app]) => {
      const config = configured.find((entry) => entry.name === name);
      return {
        name,
        status: app.status ?? 'NOT_STARTED',
        message: app.message ?? '',
        routePrefix: config ? config.routePrefix : null,
        importPath: config?.importPath ?? '',
        deployments: Object.entries(app.serveDeploymentStatuses ?? {}).map(
          ([deployment, entry]) => ({
            name: deployment,
            status: entry.status ?? 'UPDATING',
            message: entry.message ?? '',
          }),
        ),
      };
    })
    .sort((left, right) => left.name.localeCompare(right.name));
}

/** The active and pending clusters, side by side; `find` reads a RayCluster by name. */
export function rayServiceClusters(
  service: RayServiceResource,
  find: (name: string) => RayClusterResource | undefined,
): ServiceClusterView[] {
  const views: ServiceClusterView[] = [];
  const serveConfig = service.spec.serveConfigV2 ?? '';
  for (const [role, status] of [
    ['active', service.status?.activeServiceStatus],
    ['pending', service.status?.pendingServiceStatus],
  ] as const) {
    const name = status?.rayClusterName;
    if (!name) continue;
    const cluster = find(name);
    const desired = (cluster?.spec.workerGroupSpecs ?? []).reduce(
      (sum, group) => sum + (group.replicas ?? 0) * (group.numOfHosts ?? 1),
      0,
    );
    views.push({
      role,
      name,
      state: clusterState(cluster),
      workers: { ready: cluster?.status?.readyWorkerReplicas ?? 0, desired },
      gpus: cluster ? gpusOfClusterSpec(cluster.spec) : 0,
      applications: applicationViews(status, serveConfig),
    });
  }
  return views;
}

/**
 * Plain-language "what is happening now" (first) and what happened (events, newest first): an
 * upgrade reads "new cluster starting: 1 of 2 workers ready; traffic still on the old cluster".
 */
export function rayServiceTimeline(
  service: RayServiceResource,
  clusters: readonly ServiceClusterView[],
  events: readonly NormalizedEvent[],
): ServiceTimelineEntry[] {
  const entries: ServiceTimelineEntry[] = [];
  const active = clusters.find((cluster) => cluster.role === 'active');
  const pending = clusters.find((cluster) => cluster.role === 'pending');
  const state = rayServiceState(service);
  const appsText = (cluster: ServiceClusterView) => {
    const running = cluster.applications.filter((app) => app.status === 'RUNNING').length;
    return cluster.applications.length === 0
      ? 'Serve apps not deployed yet'
      : `${running} of ${cluster.applications.length} Serve apps running`;
  };
  if (pending) {
    const workers = `${pending.workers.ready} of ${pending.workers.desired} workers ready`;
    entries.push({
      kind: 'progress',
      text: active
        ? `New cluster ${pending.name} ${pending.state === 'ready' ? 'ready' : 'starting'}: ${workers}, ${appsText(pending)}; traffic still on the old cluster ${active.name}.`
        : `Cluster ${pending.name} starting: ${workers}, ${appsText(pending)}; no traffic served yet.`,
    });
  } else if (active) {
    entries.push({
      kind: state === 'Ready' ? 'info' : state === 'Initializing' ? 'progress' : 'warning',
      text:
        state === 'Ready'
          ? `Serving from cluster ${active.name}: ${appsText(active)}, ${service.status?.numServeEndpoints ?? 0} Serve endpoints.`
          : `Cluster ${active.name} (${active.state}): ${appsText(active)}.`,
    });
  } else if (state !== 'Suspended') {
    entries.push({ kind: 'progress', text: 'Waiting for KubeRay to create the first cluster.' });
  }
  for (const cluster of clusters) {
    for (const app of cluster.applications) {
      if (app.status === 'DEPLOY_FAILED' || app.status === 'UNHEALTHY') {
        entries.push({
          kind: 'warning',
          text: `App ${app.name} on the ${cluster.role} cluster is ${app.status}: ${app.message.split('\n')[0] ?? ''}`,
        });
      }
    }
  }
  for (const event of events) {
    entries.push({
      ...(event.lastTime ? { at: event.lastTime } : {}),
      kind: event.type === 'Warning' ? 'warning' : 'info',
      text: `${event.reason}: ${event.message}`,
    });
  }
  return entries;
}
