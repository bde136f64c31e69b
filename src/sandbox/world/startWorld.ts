import type { SandboxApiServer } from '../apiserver/createSandboxApiServer.ts';
import { startCoreControllers } from '../controllers/core/startCoreControllers.ts';
import { EventRecorder } from '../controllers/EventRecorder.ts';
import { startEventTtl } from '../controllers/eventTtl.ts';
import { startKubeRayOperator } from '../controllers/kuberay/startKubeRayOperator.ts';
import { startKueue } from '../controllers/kueue/startKueue.ts';
import { bootstrapWorld } from './bootstrapWorld.ts';
import type { SimClock } from './simClock.ts';
import type { WorldConfig } from './worldConfig.ts';
import type { RunningController, WorldContext } from './worldContext.ts';

/**
 * Brings a sandbox API server to life: creates the world's nodes, namespaces and quotas, then
 * starts the simulated cluster components (scheduler, kubelet, quota, workload controllers) and
 * the KubeRay operator with its simulated Ray heads, and the simulated Kueue when the world has a
 * `kueue` section (docs/sandbox-kueue.md). All of them act through the same API and
 * watch feed that HTTP clients use. With `rayStateDir`, Ray heads keep their job tables there.
 */
export function startWorld(input: {
  apiServer: SandboxApiServer;
  world: WorldConfig;
  clock: SimClock;
  rayStateDir?: string;
}): RunningController & { context: WorldContext } {
  const { apiServer, world, clock } = input;
  bootstrapWorld(apiServer.api, world);
  const context: WorldContext = {
    apiServer,
    api: apiServer.api,
    clock,
    world,
    events: new EventRecorder(apiServer.api, clock),
  };
  const running = [
    startCoreControllers(context),
    startKubeRayOperator(context, input.rayStateDir ? { rayStateDir: input.rayStateDir } : {}),
    startEventTtl(context),
    ...(world.kueue ? [startKueue(context, world.kueue)] : []),
  ];
  return {
    context,
    stop: () => {
      for (const controller of running) controller.stop();
    },
  };
}
