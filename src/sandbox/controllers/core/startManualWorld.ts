import type { PodLogSource } from '../../apiserver/apiRequestHandler.ts';
import {
  createSandboxApiServer,
  type SandboxApiServer,
} from '../../apiserver/createSandboxApiServer.ts';
import type { ObjectApi } from '../../apiserver/objectApi.ts';
import type { KubeObject, ResourceType } from '../../apiserver/resourceType.ts';
import { bootstrapWorld } from '../../world/bootstrapWorld.ts';
import { ManualClock } from '../../world/simClock.ts';
import { defaultWorldYaml, parseWorldConfig, type WorldConfig } from '../../world/worldConfig.ts';
import type { RunningController, WorldContext } from '../../world/worldContext.ts';
import { EventRecorder } from '../EventRecorder.ts';
import { podGracefulDeletion } from './kubelet.ts';
import { startCoreControllers } from './startCoreControllers.ts';

/** When an event was first recorded, in nanoseconds: the hex suffix of its name. */
function firstRecorded(event: KubeObject): bigint {
  const suffix = /\.([0-9a-f]+)$/.exec(event.metadata?.name ?? '')?.[1];
  return suffix ? BigInt(`0x${suffix}`) : 0n;
}

/** An in-process sandbox world on a {@link ManualClock}, for scripted timelines. */
export interface ManualWorld {
  clock: ManualClock;
  apiServer: SandboxApiServer;
  api: ObjectApi;
  context: WorldContext;
  world: WorldConfig;
  /** The served type of `group`/`plural` in v1 (throws when not served). */
  type: (group: string, plural: string) => ResourceType;
  /** Lets queued controller work run (setImmediate ticks) until the store stops changing. */
  settle: () => Promise<void>;
  /**
   * Moves simulated time forward by `ms` in steps of `stepMs` (default 100), settling after
   * each, so controller reactions interleave with timers as on a live world.
   */
  advance: (ms: number, stepMs?: number) => Promise<void>;
  /** Advances in steps until `predicate` holds or `limitMs` of simulated time passed. */
  advanceUntil: (predicate: () => boolean, limitMs?: number, stepMs?: number) => Promise<number>;
  /**
   * What `GET pods/{name}/log` answers for a pod (throws the API's StatusError, e.g. 400 for a
   * container that is waiting to start).
   */
  logs: (pod: KubeObject, container?: string, tailLines?: number) => string;
  /** Events recorded about an object (`regarding` = its uid), oldest first. */
  eventsFor: (object: KubeObject) => KubeObject[];
  stop: () => void;
}

/**
 * Builds a sandbox API server (simulated `now`, kubelet-completed graceful pod deletion), the
 * world of `worldYaml` (default: the built-in world) and the core controllers, plus any
 * `extraControllers` (the KubeRay operator's tests add theirs), all on a ManualClock starting
 * at `start`. Nothing listens on a port; call `apiServer.listen` to serve HTTP.
 */
export async function startManualWorld(
  options: {
    worldYaml?: string;
    start?: Date;
    extraControllers?: (context: WorldContext) => RunningController[];
  } = {},
): Promise<ManualWorld> {
  const clock = new ManualClock((options.start ?? new Date('2026-01-01T00:00:00Z')).getTime());
  const world = parseWorldConfig(options.worldYaml ?? defaultWorldYaml);
  const apiServer = createSandboxApiServer({
    now: () => new Date(clock.now()),
    gracefulDeletion: podGracefulDeletion,
  });
  const api = apiServer.api;
  let podLogs: PodLogSource | undefined;
  const setPodLogSource = apiServer.setPodLogSource;
  apiServer.setPodLogSource = (source) => {
    podLogs = source;
    setPodLogSource(source);
  };
  bootstrapWorld(api, world);
  const context: WorldContext = {
    apiServer,
    api,
    clock,
    world,
    events: new EventRecorder(api, clock),
  };
  const running = [startCoreControllers(context), ...(options.extraControllers?.(context) ?? [])];

  const settle = async () => {
    let quiet = 0;
    let version = api.store.resourceVersion;
    for (let round = 0; round < 100_000 && quiet < 4; round++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (api.store.resourceVersion === version) quiet++;
      else {
        quiet = 0;
        version = api.store.resourceVersion;
      }
    }
  };
  const advance = async (ms: number, stepMs = 100) => {
    // Work queued at the current instant happens at this instant, before time moves.
    await settle();
    let left = ms;
    while (left > 0) {
      const step = Math.min(stepMs, left);
      clock.advance(step);
      left -= step;
      await settle();
    }
  };
  const eventType = api.registry.lookup('events.k8s.io', 'v1', 'events');
  const manual: ManualWorld = {
    clock,
    apiServer,
    api,
    context,
    world,
    type: (group, plural) => {
      const type = api.registry.lookup(group, 'v1', plural);
      if (!type) throw new Error(`${group}/${plural} is not served`);
      return type;
    },
    settle,
    advance,
    advanceUntil: async (predicate, limitMs = 600_000, stepMs = 100) => {
      const startedAt = clock.now();
      await settle();
      while (!predicate()) {
        if (clock.now() - startedAt >= limitMs) {
          throw new Error(`condition not reached within ${limitMs} simulated ms`);
        }
        await advance(stepMs, stepMs);
      }
      return clock.now() - startedAt;
    },
    logs: (pod, container, tailLines) =>
      podLogs?.({ namespace: pod.metadata?.namespace ?? '', pod, container, tailLines }) ?? '',
    eventsFor: (object) => {
      if (!eventType) return [];
      return (
        api
          .list(eventType, { namespace: object.metadata?.namespace ?? 'default' })
          .items.filter(
            (event) =>
              (event['regarding'] as { uid?: string } | undefined)?.uid === object.metadata?.uid,
          )
          // Both recorders name an event `<object>.<UnixNano in hex>` of its first occurrence.
          .sort((a, b) => {
            const difference = firstRecorded(a) - firstRecorded(b);
            return difference < 0n ? -1 : difference > 0n ? 1 : 0;
          })
      );
    },
    stop: () => {
      for (const controller of running) controller.stop();
    },
  };
  await settle();
  return manual;
}
