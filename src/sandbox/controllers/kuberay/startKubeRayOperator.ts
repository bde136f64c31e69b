import type { StoreEvent } from '../../apiserver/objectStore.ts';
import type { KubeObject } from '../../apiserver/resourceType.ts';
import type { RunningController, WorldContext } from '../../world/worldContext.ts';
import { registerContainerPlanner } from '../core/kubelet.ts';
import { isAutoscalingEnabled } from './buildRayPod.ts';
import { controllerOf } from './controllerReference.ts';
import { InTreeAutoscaler } from './InTreeAutoscaler.ts';
import { KubeRayIndex, namespacedKey } from './KubeRayIndex.ts';
import { KubeRayRuntime } from './KubeRayRuntime.ts';
import type { RayCluster } from './RayCluster.ts';
import { RayClusterController } from './RayClusterController.ts';
import { RayCronJobController } from './RayCronJobController.ts';
import { type RayHeadFactory, RayHeadRegistry } from './RayHeadRegistry.ts';
import { RayJobController } from './RayJobController.ts';
import { RayServiceController } from './RayServiceController.ts';
import {
  defaultFeatureGates,
  type FeatureGates,
  resolveFeatureGates,
} from './resolveFeatureGates.ts';
import { simulatedRayHead } from './simulatedRayHead.ts';
import { submitterContainerPlanner } from './submitterContainerPlanner.ts';

/** Options of {@link startKubeRayOperator}; the defaults are what the sandbox runs. */
export interface KubeRayOperatorOptions {
  /** Starts the Ray head of a cluster; default: the sandbox's Ray head simulation. */
  rayHeadFactory?: RayHeadFactory;
  /** Directory where the default Ray heads keep their job tables (see simulatedRayHead). */
  rayStateDir?: string;
  /**
   * Feature gates over KubeRay's defaults; default from the world file's `featureGates` or
   * `RAYDECK_SANDBOX_FEATURE_GATES`.
   */
  featureGates?: FeatureGates;
}

/** A started operator, with its parts exposed for tests and benchmarks. */
export interface RunningKubeRayOperator extends RunningController {
  runtime: KubeRayRuntime;
  rayClusters: RayClusterController;
  rayJobs: RayJobController;
  rayServices: RayServiceController;
  rayCronJobs: RayCronJobController | undefined;
  autoscaler: InTreeAutoscaler;
}

function keyOf(object: KubeObject): string {
  return namespacedKey(object.metadata?.namespace, object.metadata?.name);
}

/** controller-runtime's GenerationChanged, LabelChanged or AnnotationChanged predicate. */
function specOrMetadataChanged(event: StoreEvent): boolean {
  if (event.type !== 'MODIFIED' || !event.previous) return true;
  const before = event.previous.object.metadata ?? {};
  const after = event.record.object.metadata ?? {};
  return (
    before.generation !== after.generation ||
    JSON.stringify(before.labels ?? {}) !== JSON.stringify(after.labels ?? {}) ||
    JSON.stringify(before.annotations ?? {}) !== JSON.stringify(after.annotations ?? {}) ||
    before.deletionTimestamp !== after.deletionTimestamp
  );
}

/**
 * Starts the simulated KubeRay operator (kuberay-api.md §1–2) in the sandbox world: the
 * RayCluster, RayJob and RayService controllers, the RayCronJob controller when its feature gate
 * is on, the in-tree autoscaler, and one simulated Ray head per ready head pod. Every controller
 * acts only through `context.api`, keeps time only with `context.clock`, and is driven by the
 * store's change feed through a work queue per kind (`startWorld` calls this).
 */
export function startKubeRayOperator(
  context: WorldContext,
  options: KubeRayOperatorOptions = {},
): RunningKubeRayOperator {
  const gates = options.featureGates
    ? { ...defaultFeatureGates, ...options.featureGates }
    : resolveFeatureGates(context.world);
  const index = new KubeRayIndex(context.api);
  const heads = new RayHeadRegistry(
    context.apiServer.proxies,
    options.rayHeadFactory ??
      ((start) =>
        simulatedRayHead(start, options.rayStateDir ? { stateDir: options.rayStateDir } : {})),
  );
  const runtime = new KubeRayRuntime({ context, index, heads, gates });
  const autoscaler = new InTreeAutoscaler(runtime);
  const rayJobs = new RayJobController(runtime);
  const rayServices = new RayServiceController(runtime);
  const rayCronJobs = gates['RayCronJob'] ? new RayCronJobController(runtime) : undefined;

  /** Enqueues the RayJob or RayService a cluster (or another child) belongs to. */
  const enqueueRayOwner = (object: KubeObject): void => {
    const owner = controllerOf(object);
    if (!owner) return;
    const key = namespacedKey(object.metadata?.namespace, owner.name);
    if (owner.kind === 'RayJob') rayJobs.queue.add(key);
    else if (owner.kind === 'RayService') rayServices.queue.add(key);
  };
  const rayClusters = new RayClusterController(runtime, {
    afterReconcile: (cluster) => {
      const key = keyOf(cluster);
      if (isAutoscalingEnabled(cluster.spec) && heads.get(key)) autoscaler.watch(key);
    },
  });
  heads.onChange((clusterKey) => {
    const slash = clusterKey.indexOf('/');
    const cluster = runtime.find<RayCluster>(
      'rayClusters',
      clusterKey.slice(0, slash),
      clusterKey.slice(slash + 1),
    );
    if (!cluster) return;
    enqueueRayOwner(cluster);
    if (isAutoscalingEnabled(cluster.spec) && heads.get(clusterKey)) autoscaler.watch(clusterKey);
  });

  const store = context.api.store;
  const unsubscribe = [
    registerContainerPlanner(context.api, submitterContainerPlanner),
    store.subscribe('ray.io/rayclusters', (event) => {
      const cluster = event.record.object;
      if (specOrMetadataChanged(event)) rayClusters.queue.add(keyOf(cluster));
      enqueueRayOwner(cluster);
    }),
    store.subscribe('/pods', (event) => {
      const pod = event.record.object;
      const clusterKey = KubeRayIndex.clusterKeyOf(pod);
      if (clusterKey) rayClusters.queue.add(clusterKey);
      const rayJobKey = KubeRayIndex.rayJobKeyOf(pod);
      if (rayJobKey) rayJobs.queue.add(rayJobKey);
    }),
    ...['/services', '/secrets', 'batch/jobs', 'rbac.authorization.k8s.io/roles'].map(
      (storageKey) =>
        store.subscribe(storageKey, (event) => {
          const object = event.record.object;
          const owner = controllerOf(object);
          if (owner?.kind === 'RayCluster')
            rayClusters.queue.add(namespacedKey(object.metadata?.namespace, owner.name));
          else enqueueRayOwner(object);
        }),
    ),
    store.subscribe('/endpoints', (event) => {
      const name = event.record.object.metadata?.name ?? '';
      if (name.endsWith('-serve-svc')) {
        rayServices.queue.add(
          namespacedKey(
            event.record.object.metadata?.namespace,
            name.slice(0, -'-serve-svc'.length),
          ),
        );
      }
    }),
    store.subscribe('ray.io/rayjobs', (event) => rayJobs.queue.add(keyOf(event.record.object))),
    store.subscribe('ray.io/rayservices', (event) =>
      rayServices.queue.add(keyOf(event.record.object)),
    ),
    ...(rayCronJobs
      ? [
          store.subscribe('ray.io/raycronjobs', (event) =>
            rayCronJobs.queue.add(keyOf(event.record.object)),
          ),
        ]
      : []),
  ];

  for (const record of store.list('ray.io/rayclusters'))
    rayClusters.queue.add(keyOf(record.object));
  for (const record of store.list('ray.io/rayjobs')) rayJobs.queue.add(keyOf(record.object));
  for (const record of store.list('ray.io/rayservices'))
    rayServices.queue.add(keyOf(record.object));
  if (rayCronJobs)
    for (const record of store.list('ray.io/raycronjobs'))
      rayCronJobs.queue.add(keyOf(record.object));

  return {
    runtime,
    rayClusters,
    rayJobs,
    rayServices,
    rayCronJobs,
    autoscaler,
    stop: () => {
      for (const stopListening of unsubscribe) stopListening();
      rayClusters.queue.stop();
      rayJobs.queue.stop();
      rayServices.queue.stop();
      rayCronJobs?.queue.stop();
      autoscaler.stop();
      heads.stopAll();
      index.stop();
    },
  };
}
