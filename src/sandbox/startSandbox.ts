import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { createKubeRayApiServerV2 } from './apiserver/createKubeRayApiServerV2.ts';
import {
  createSandboxApiServer,
  type SandboxApiServer,
} from './apiserver/createSandboxApiServer.ts';
import type { ObjectStore } from './apiserver/objectStore.ts';
import { StateJournal } from './apiserver/StateJournal.ts';
import { podGracefulDeletion } from './controllers/core/kubelet.ts';
import { writeSandboxKubeconfig } from './kubeconfigFile.ts';
import { ScaledClock } from './world/simClock.ts';
import { startWorld } from './world/startWorld.ts';
import { defaultWorldYaml, parseWorldConfig, type WorldConfig } from './world/worldConfig.ts';

/** Options of `raydeck sandbox` (and of the sandbox `raydeck serve` starts). */
export interface StartSandboxOptions {
  /** `HOST:PORT` to listen on. Default `127.0.0.1:6443`; port 0 picks a free one. */
  listen?: string;
  /** Where to write a kubeconfig for kubectl. */
  kubeconfigOut?: string;
  /**
   * Snapshot file: restored at start (with its write-ahead journal `<file>.journal`, which every
   * change is appended to before it is acknowledged) and rewritten at start, when the journal
   * passes 64 MiB, and on stop. Ray heads keep their job tables under `<file>.ray/`.
   */
  state?: string;
  /**
   * `fdatasync` every journal append, so acknowledged writes survive a power loss too (not
   * only a crash of the process). Default false; costs a disk flush per write.
   */
  fsync?: boolean;
  /** Admin bearer token (sandbox-admin, system:masters); requests without a token get 401. */
  token?: string;
  /** Authorize every request (and access review) with the stored RBAC objects. */
  rbac?: boolean;
  /** Serve HTTPS with a self-signed certificate (kubectl sends bearer tokens only over TLS). */
  tls?: boolean;
  /**
   * The simulated world (nodes, namespaces, quotas, timings): a world file's path, or `false`
   * for a bare API server with no nodes and no controllers. Default: the built-in GPU lab.
   */
  world?: string | false;
  /** Simulated time runs this many times faster. Default: the world file's `speed`, else 1. */
  speed?: number;
  /**
   * Also serve a KubeRay APIServer v2 in front of the sandbox at this `HOST:PORT` (port 0 picks
   * a free one), forwarding only what upstream forwards (createKubeRayApiServerV2.ts).
   */
  apiserverV2?: string;
  /** The front's security-proxy token (`createKubeRayApiServerV2`'s `securityToken`). */
  apiserverV2SecurityToken?: string;
}

/** A started sandbox: its URL and how to stop it (saving state first). */
export interface RunningSandbox {
  url: string;
  apiServer: SandboxApiServer;
  /** URL of the KubeRay APIServer v2 front, when {@link StartSandboxOptions.apiserverV2} asked for one. */
  apiserverV2Url?: string;
  world: WorldConfig | undefined;
  stop: () => Promise<void>;
}

/** Parses `HOST:PORT` (IPv6 hosts in brackets); throws an Error naming the flag when malformed. */
export function parseListenAddress(listen: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(listen);
  const port = Number(match?.[3]);
  if (!match || port > 65535) {
    throw new Error(`--listen must be HOST:PORT with a port from 0 to 65535, got "${listen}"`);
  }
  return { host: (match[1] ?? match[2]) as string, port };
}

/** Reads the world file (or the built-in world); errors name the file and each bad field. */
export function loadWorld(world: string | undefined): WorldConfig {
  if (world === undefined) return parseWorldConfig(defaultWorldYaml);
  if (!existsSync(world)) throw new Error(`--world: no file at ${world}`);
  try {
    return parseWorldConfig(readFileSync(world, 'utf8'));
  } catch (error) {
    throw new Error(`--world ${world}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Starts the sandbox: the API server (restoring and snapshotting state), and unless `world` is
 * `false`, the simulated nodes, scheduler, kubelet, quotas, workload controllers and KubeRay
 * operator. Writes a kubeconfig when asked.
 */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const { host, port } = parseListenAddress(options.listen ?? '127.0.0.1:6443');
  const world = options.world === false ? undefined : loadWorld(options.world);
  const journal = options.state
    ? StateJournal.open(options.state, options.fsync ? { fsync: true } : {})
    : undefined;
  const store = journal?.store;
  // Metadata timestamps are wall-clock times at any speed (kubectl ages them against its own
  // clock); status and condition times follow the world's simulated clock.
  const clock = world ? new ScaledClock(options.speed ?? world.speed) : undefined;
  const apiServer = createSandboxApiServer({
    ...(clock ? { now: () => new Date(clock.wallNow()) } : {}),
    ...(store ? { store } : {}),
    ...(options.token ? { token: options.token } : {}),
    ...(options.rbac ? { rbac: true } : {}),
    ...(options.tls ? { tls: true } : {}),
    ...(world ? { gracefulDeletion: podGracefulDeletion } : {}),
  });
  const rayStateDir = options.state ? `${options.state}.ray` : undefined;
  if (rayStateDir && journal) pruneRayJobTables(rayStateDir, journal.store);
  const running =
    world && clock
      ? startWorld({ apiServer, world, clock, ...(rayStateDir ? { rayStateDir } : {}) })
      : undefined;
  const url = await apiServer.listen(host, port);
  if (options.kubeconfigOut) writeSandboxKubeconfig(options.kubeconfigOut, url, options.token);
  const front = options.apiserverV2
    ? createKubeRayApiServerV2({
        upstream: url,
        ...(options.token ? { upstreamToken: options.token } : {}),
        ...(options.apiserverV2SecurityToken
          ? { securityToken: options.apiserverV2SecurityToken }
          : {}),
      })
    : undefined;
  const frontAddress = options.apiserverV2 ? parseListenAddress(options.apiserverV2) : undefined;
  const apiserverV2Url =
    front && frontAddress ? await front.listen(frontAddress.host, frontAddress.port) : undefined;
  return {
    url,
    apiServer,
    ...(apiserverV2Url ? { apiserverV2Url } : {}),
    world,
    stop: async () => {
      await front?.close();
      running?.stop();
      await apiServer.close();
      journal?.close();
    },
  };
}

/**
 * Deletes job tables of Ray heads whose head pod no longer exists (a table is kept per head pod,
 * `<dir>/<namespace>/<pod>.json`; a new pod never reads an old pod's table).
 */
function pruneRayJobTables(dir: string, store: ObjectStore): void {
  if (!existsSync(dir)) return;
  for (const namespace of readdirSync(dir)) {
    for (const file of readdirSync(join(dir, namespace))) {
      const pod = file.replace(/\.json$/, '');
      if (!store.get('/pods', `${namespace}/${pod}`)) rmSync(join(dir, namespace, file));
    }
  }
}
