import type { SandboxApiServer } from '../apiserver/createSandboxApiServer.ts';
import type { ObjectApi } from '../apiserver/objectApi.ts';
import type { EventRecorder } from '../controllers/EventRecorder.ts';
import type { SimClock } from './simClock.ts';
import type { WorldConfig } from './worldConfig.ts';

/** What every simulated controller gets: the in-process API, the clock, the world and events. */
export interface WorldContext {
  apiServer: SandboxApiServer;
  /** Same semantics as HTTP clients get: admission, validation, resourceVersions, watch events. */
  api: ObjectApi;
  clock: SimClock;
  world: WorldConfig;
  events: EventRecorder;
}

/** A started controller or group of controllers; `stop` cancels its timers and subscriptions. */
export interface RunningController {
  stop: () => void;
}
