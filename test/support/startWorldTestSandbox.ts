import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { writeSandboxKubeconfig } from '../../src/sandbox/kubeconfigFile.ts';
import { startSandbox } from '../../src/sandbox/startSandbox.ts';
import type { WorldConfig } from '../../src/sandbox/world/worldConfig.ts';
import { sandboxRequester, type TestSandbox } from './startTestSandbox.ts';

/** Options of {@link startWorldTestSandbox}. */
export interface WorldTestSandboxOptions {
  /** Simulated time runs this many times faster than real time. Default: the world's `speed`. */
  speed?: number;
  /** A world file (YAML); default the built-in GPU lab (team-a, team-b, A100s, RTX 4090s). */
  world?: string;
  /** Admin bearer token; without it, requests without a token act as the admin. */
  token?: string;
  /** Authorize every request with RBAC. */
  rbac?: boolean;
  /** Serve HTTPS with a self-signed certificate for 127.0.0.1 and localhost. */
  tls?: boolean;
}

/**
 * Starts a sandbox with its simulated world (nodes, scheduler, kubelet, quotas, KubeRay and Ray
 * heads) on a free loopback port, as `raydeck sandbox` runs it, so RayClusters become Ready.
 * No state file: everything is in memory. Close it in `afterAll`.
 */
export async function startWorldTestSandbox(
  options: WorldTestSandboxOptions = {},
): Promise<TestSandbox & { world: WorldConfig }> {
  const running = await startSandbox({
    listen: '127.0.0.1:0',
    ...(options.world ? { world: options.world } : {}),
    ...(options.speed !== undefined ? { speed: options.speed } : {}),
    ...(options.token ? { token: options.token } : {}),
    ...(options.rbac ? { rbac: true } : {}),
    ...(options.tls ? { tls: true } : {}),
  });
  if (!running.world) throw new Error('startWorldTestSandbox: the sandbox started no world');
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'raydeck-sandbox-')), 'kubeconfig');
  writeSandboxKubeconfig(kubeconfig, running.url, options.token);
  return {
    url: running.url,
    kubeconfig,
    apiServer: running.apiServer,
    request: sandboxRequester(running.url, options.token),
    close: () => running.stop(),
    world: running.world,
  };
}
