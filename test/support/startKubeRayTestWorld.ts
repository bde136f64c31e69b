import {
  createSandboxApiServer,
  type SandboxApiServer,
} from '../../src/sandbox/apiserver/createSandboxApiServer.ts';
import type { ObjectApi } from '../../src/sandbox/apiserver/objectApi.ts';
import type { KubeObject } from '../../src/sandbox/apiserver/resourceType.ts';
import { podGracefulDeletion } from '../../src/sandbox/controllers/core/kubelet.ts';
import { startCoreControllers } from '../../src/sandbox/controllers/core/startCoreControllers.ts';
import { EventRecorder } from '../../src/sandbox/controllers/EventRecorder.ts';
import type { Pod } from '../../src/sandbox/controllers/kuberay/RayCluster.ts';
import type { RayHeadFactory } from '../../src/sandbox/controllers/kuberay/RayHeadRegistry.ts';
import type { FeatureGates } from '../../src/sandbox/controllers/kuberay/resolveFeatureGates.ts';
import {
  type RunningKubeRayOperator,
  startKubeRayOperator,
} from '../../src/sandbox/controllers/kuberay/startKubeRayOperator.ts';
import { bootstrapWorld } from '../../src/sandbox/world/bootstrapWorld.ts';
import { ManualClock } from '../../src/sandbox/world/simClock.ts';
import {
  defaultWorldYaml,
  parseWorldConfig,
  type WorldConfig,
} from '../../src/sandbox/world/worldConfig.ts';
import type { WorldContext } from '../../src/sandbox/world/worldContext.ts';

/** A KubeRay operator on an in-process sandbox API server with a manual clock (test support). */
export interface KubeRayTestWorld {
  apiServer: SandboxApiServer;
  api: ObjectApi;
  clock: ManualClock;
  context: WorldContext;
  operator: RunningKubeRayOperator;
  /** Lets queued reconciles, garbage collection and other next-tick work run to quiescence. */
  settle: () => Promise<void>;
  /** Advances simulated time in `stepMs` steps, settling after each. */
  advance: (ms: number, stepMs?: number) => Promise<void>;
  /** Creates an object of `apiVersion`/`kind` through the API. */
  apply: (object: KubeObject) => KubeObject;
  /** Reads an object; undefined when absent. */
  get: <T extends KubeObject = KubeObject>(
    group: string,
    plural: string,
    namespace: string | undefined,
    name: string,
  ) => T | undefined;
  /** Objects of a kind in a namespace (all namespaces when undefined). */
  list: <T extends KubeObject = KubeObject>(
    group: string,
    plural: string,
    namespace?: string,
  ) => T[];
  /** Events (events.k8s.io/v1) about an object name. */
  eventsFor: (name: string) => { reason: string; note: string; type: string; count: number }[];
  /** What a kubelet would write: the pod Running with an IP, Ready unless `ready: false`. */
  runPod: (pod: Pod, options?: { ready?: boolean; ip?: string }) => void;
  stop: () => void;
}

const pluralOfKind: Readonly<Record<string, [string, string]>> = {
  RayCluster: ['ray.io', 'rayclusters'],
  RayJob: ['ray.io', 'rayjobs'],
  RayService: ['ray.io', 'rayservices'],
  RayCronJob: ['ray.io', 'raycronjobs'],
  Pod: ['', 'pods'],
  Service: ['', 'services'],
  ConfigMap: ['', 'configmaps'],
  Secret: ['', 'secrets'],
  ServiceAccount: ['', 'serviceaccounts'],
  ResourceQuota: ['', 'resourcequotas'],
  Namespace: ['', 'namespaces'],
  Endpoints: ['', 'endpoints'],
  Job: ['batch', 'jobs'],
};

/**
 * Test support for the KubeRay operator's unit tests: the sandbox API server, the default world's
 * namespaces and nodes, and the operator. Without `core`, tests play scheduler and kubelet with
 * {@link KubeRayTestWorld.runPod}; with it, the simulated core controllers (scheduler, kubelets,
 * quota, Job and Endpoints controllers) run too, and pod deletion is graceful as on a node.
 */
export function startKubeRayTestWorld(
  options: {
    world?: WorldConfig;
    rayHeadFactory?: RayHeadFactory;
    featureGates?: FeatureGates;
    core?: boolean;
  } = {},
): KubeRayTestWorld {
  const clock = new ManualClock();
  const apiServer = createSandboxApiServer({
    now: () => new Date(clock.now()),
    ...(options.core ? { gracefulDeletion: podGracefulDeletion } : {}),
  });
  const api = apiServer.api;
  const world = options.world ?? parseWorldConfig(defaultWorldYaml);
  bootstrapWorld(api, world);
  const context: WorldContext = {
    apiServer,
    api,
    clock,
    world,
    events: new EventRecorder(api, clock),
  };
  const core = options.core ? startCoreControllers(context) : undefined;
  const operator = startKubeRayOperator(context, {
    ...(options.rayHeadFactory ? { rayHeadFactory: options.rayHeadFactory } : {}),
    ...(options.featureGates ? { featureGates: options.featureGates } : {}),
  });
  const typeOf = (group: string, plural: string) => {
    const type = api.registry.lookup(group, 'v1', plural);
    if (!type) throw new Error(`${plural} not served`);
    return type;
  };
  const settle = async (): Promise<void> => {
    for (let round = 0; round < 50; round++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  let podIp = 10;
  return {
    apiServer,
    api,
    clock,
    context,
    operator,
    settle,
    advance: async (ms, stepMs = 1000) => {
      for (let elapsed = 0; elapsed < ms; elapsed += stepMs) {
        clock.advance(Math.min(stepMs, ms - elapsed));
        await settle();
      }
    },
    apply: (object) => {
      const [group, plural] = pluralOfKind[object.kind ?? ''] ?? ['', ''];
      return api.create(typeOf(group, plural), object.metadata?.namespace, object).object;
    },
    get: <T extends KubeObject>(
      group: string,
      plural: string,
      namespace: string | undefined,
      name: string,
    ) => api.find(typeOf(group, plural), namespace, name) as T | undefined,
    list: <T extends KubeObject>(group: string, plural: string, namespace?: string) =>
      api.list(typeOf(group, plural), namespace ? { namespace } : {}).items as T[],
    eventsFor: (name) =>
      (
        api.list(typeOf('events.k8s.io', 'events')).items as (KubeObject & {
          reason?: string;
          note?: string;
          type?: string;
          regarding?: { name?: string };
          series?: { count?: number };
          deprecatedCount?: number;
        })[]
      )
        .filter((event) => event.regarding?.name === name)
        .map((event) => ({
          reason: event.reason ?? '',
          note: event.note ?? '',
          type: event.type ?? '',
          count: event.series?.count ?? event.deprecatedCount ?? 1,
        })),
    runPod: (pod, runOptions = {}) => {
      const current = api.find(
        typeOf('', 'pods'),
        pod.metadata.namespace,
        pod.metadata.name ?? '',
      ) as Pod | undefined;
      if (!current) return;
      const now = new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const ready = runOptions.ready ?? true;
      const ip = runOptions.ip ?? current.status?.podIP ?? `10.244.0.${podIp++}`;
      const readyStatus = ready ? 'True' : 'False';
      api.update(
        typeOf('', 'pods'),
        current.metadata.namespace,
        current.metadata.name ?? '',
        {
          ...current,
          status: {
            ...(current.status ?? {}),
            phase: 'Running',
            podIP: ip,
            podIPs: [{ ip }],
            hostIP: '10.0.0.2',
            startTime: current.status?.startTime ?? now,
            conditions: [
              { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
              { type: 'Initialized', status: 'True', lastTransitionTime: now },
              {
                type: 'ContainersReady',
                status: readyStatus,
                lastTransitionTime: now,
                ...(ready ? {} : { reason: 'ContainersNotReady' }),
              },
              {
                type: 'Ready',
                status: readyStatus,
                lastTransitionTime: now,
                ...(ready
                  ? {}
                  : {
                      reason: 'ContainersNotReady',
                      message: 'containers with unready status: [ray-head]',
                    }),
              },
            ],
            containerStatuses: current.spec.containers.map((container) => ({
              name: container.name,
              image: container.image,
              ready,
              restartCount: 0,
              started: true,
              state: { running: { startedAt: now } },
            })),
          },
        },
        { subresource: 'status' },
      );
    },
    stop: () => {
      operator.stop();
      core?.stop();
    },
  };
}
