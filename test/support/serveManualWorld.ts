import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach } from 'vitest';

import {
  type ManualWorld,
  startManualWorld,
} from '../../src/sandbox/controllers/core/startManualWorld.ts';
import { writeSandboxKubeconfig } from '../../src/sandbox/kubeconfigFile.ts';
import { type KubectlResult, kubectlRunner } from './runKubectl.ts';

/** A manual world served over HTTP on loopback, with a kubeconfig and kubectl pointed at it. */
export interface ServedManualWorld {
  manual: ManualWorld;
  kubeconfig: string;
  kubectl: (args: string[], input?: string) => Promise<KubectlResult>;
}

/**
 * For a test file whose tests each need their own manual world for real kubectl: returns the
 * function that starts one, and stops it (world and API server) after each test.
 */
export function useServedManualWorld(): () => Promise<ServedManualWorld> {
  let world: ManualWorld | undefined;
  afterEach(async () => {
    world?.stop();
    await world?.apiServer.close();
    world = undefined;
  });
  return async () => {
    const manual = await startManualWorld();
    world = manual;
    const url = await manual.apiServer.listen('127.0.0.1', 0);
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'raydeck-kubectl-world-')), 'kubeconfig');
    writeSandboxKubeconfig(kubeconfig, url);
    return { manual, kubeconfig, kubectl: kubectlRunner(kubeconfig) };
  };
}
