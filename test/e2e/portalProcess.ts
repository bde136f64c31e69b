import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { portalTestMode } from '../support/portalTestMode.ts';
import { startDeployedPortal } from '../support/startDeployedPortal.ts';
import {
  startPortalProcess as spawnPortal,
  stopPortalProcess,
} from '../support/startPortalProcess.ts';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The first admin of every e2e portal. The password reaches the server through
 * `RAYDECK_ADMIN_PASSWORD` (at least 8 characters), so no test has to read it from the output.
 */
export const e2eAdmin = { username: 'admin', password: 'e2e-admin-password-1' } as const;

/**
 * Simulated-time factor of the embedded sandbox. The default world pulls images for 4 s, starts
 * containers in 1 s and passes readiness after 3 s; at 8× a cluster is Ready about a second after
 * its pods are scheduled, yet Pending and Provisioning still last long enough to be seen.
 */
export const e2eSandboxSpeed = 8;

/** A running `raydeck serve` process on a free loopback port, with its own data directory. */
export interface PortalProcess {
  /** Origin of the portal, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** The fresh temporary `--data-dir` (SQLite store, sandbox state); removed by `stop()`. */
  dataDir: string;
  /** Everything the process wrote, for failure messages. */
  output: () => string;
  /** Stops the process gracefully and removes its data directory. */
  stop: () => Promise<void>;
}

/** Options of {@link startPortalProcess}. */
export interface PortalProcessOptions {
  /** Sandbox speed factor; default {@link e2eSandboxSpeed}. */
  sandboxSpeed?: number;
  /** Further `raydeck serve` flags. */
  extraArgs?: readonly string[];
  /**
   * Kubeconfig of a cluster run outside the portal (e.g. a `raydeck sandbox` process the test
   * stops and restarts), passed as `--kubeconfig`; the portal then starts no embedded sandbox,
   * seeds no teams or templates, and `sandboxSpeed` does not apply. Default: the embedded sandbox.
   */
  kubeconfig?: string;
}

/**
 * Starts the built `raydeck serve` exactly as a user would (bin/raydeck.js) against its embedded
 * sandbox (or the cluster of `options.kubeconfig`): a fresh temporary `--data-dir`,
 * `RAYDECK_ADMIN_PASSWORD` set to {@link e2eAdmin}'s password, port 0 so the OS picks a free port. Resolves once the printed URL answers `/readyz`
 * (every informer synced), so pages see the sandbox's objects from their first request.
 * `KUBECONFIG` and other `RAYDECK_*` variables of the caller's environment are dropped: they
 * would point the portal somewhere else than the sandbox. In the deployed test mode
 * (test/support/portalTestMode.ts) the portal runs as the deploy kit's pod instead.
 */
export async function startPortalProcess(
  options: PortalProcessOptions = {},
): Promise<PortalProcess> {
  if (portalTestMode() === 'deployed') return startDeployedPortalProcess(options);
  const cluster = options.kubeconfig
    ? ['--kubeconfig', options.kubeconfig]
    : ['--sandbox-speed', String(options.sandboxSpeed ?? e2eSandboxSpeed)];
  if (
    !existsSync(`${packageRoot}/dist/node/main.js`) ||
    !existsSync(`${packageRoot}/dist/web/index.html`)
  ) {
    throw new Error('The portal is not built: run `npm run build` before the e2e tests.');
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'raydeck-e2e-'));
  try {
    const { url, child, output } = await spawnPortal({
      entry: 'built',
      dataDir,
      adminPassword: e2eAdmin.password,
      args: [...cluster, ...(options.extraArgs ?? [])],
    });
    const stop = async () => {
      await stopPortalProcess(child);
      rmSync(dataDir, { recursive: true, force: true });
    };
    return { url, dataDir, output, stop };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The deployed mode of {@link startPortalProcess} (the `e2e-deployed` project): the built
 * `raydeck serve` started as the production overlay's pod, in-cluster against an RBAC sandbox
 * running the simulated world at the same speed, with {@link e2eAdmin}'s password in the kit's
 * Secret and the teams and templates the embedded sandbox would seed.
 */
async function startDeployedPortalProcess(options: PortalProcessOptions): Promise<PortalProcess> {
  if (options.extraArgs?.length || options.kubeconfig) {
    throw new Error(
      'a deployed portal takes no extra flags or kubeconfig: the kit decides its settings',
    );
  }
  const portal = await startDeployedPortal({
    overlay: 'production',
    entry: 'built',
    world: { speed: options.sandboxSpeed ?? e2eSandboxSpeed },
    adminPassword: e2eAdmin.password,
  });
  return { url: portal.url, dataDir: portal.dataDir, output: portal.output, stop: portal.stop };
}
