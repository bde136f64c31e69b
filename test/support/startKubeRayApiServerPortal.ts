import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { startSandbox } from '../../src/sandbox/startSandbox.ts';
import { packageRoot } from '../../src/server/packageRoot.ts';
import type { ApiClient } from '../../src/shared/client/apiClient.ts';
import { nodeRuntimeEnv } from './nodeRuntimeEnv.ts';
import { portalUserClients } from './portalUserClients.ts';
import { type SandboxRequest, sandboxRequester } from './startTestSandbox.ts';

/** Password of the `admin` user of the portal. */
const adminPassword = 'kuberay-front-passphrase-7';

/** Milliseconds the portal may take to print its URL and get ready. Default 60 s (2 busy cores). */
const startTimeoutMs = 60_000;

/** Namespace of the compute templates (the portal's `--templates-namespace` default). */
export const templatesNamespace = 'raydeck';

/**
 * Compute templates as KubeRay APIServer v1 stores them (`POST /apis/v1/…/compute_templates`):
 * ConfigMaps labelled `ray.io/config-type: compute-template` with string data keys, no Raydeck
 * keys. Shapes fit the sandbox's default world (16-CPU nodes; A100 nodes tainted).
 */
const computeTemplateConfigMaps = [
  { name: 'cpu-small', cpu: '2', memory: '8', gpu: '0', accelerator: '' },
  {
    name: 'a100-1',
    cpu: '8',
    memory: '64',
    gpu: '1',
    accelerator: 'nvidia.com/gpu',
    tolerations: [
      { key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' },
    ],
  },
].map((template) => ({
  metadata: {
    name: template.name,
    namespace: templatesNamespace,
    labels: { 'ray.io/config-type': 'compute-template', 'ray.io/compute-template': template.name },
  },
  data: {
    name: template.name,
    namespace: templatesNamespace,
    cpu: template.cpu,
    memory: template.memory,
    memory_unit: 'Gi',
    gpu: template.gpu,
    gpu_accelerator: template.accelerator,
    extended_resources: '{}',
    ...(template.tolerations ? { tolerations: JSON.stringify(template.tolerations) } : {}),
  },
}));

/** The portal run with `--apiserver-url`, its APIServer v2 front and the sandbox behind it. */
export interface KubeRayApiServerPortal {
  url: string;
  /** The KubeRay APIServer v2 front's URL (what `--apiserver-url` names). */
  apiserverUrl: string;
  /** The `Authorization` header value its security proxy requires. */
  apiserverToken: string;
  /** The sandbox's own URL, and its admin as kubectl would act (behind the APIServer). */
  sandbox: { url: string; request: SandboxRequest };
  admin: ApiClient;
  addUser: (
    username: string,
    role: 'admin' | 'member' | 'viewer',
    teams: string[],
  ) => Promise<ApiClient>;
  output: () => string;
  close: () => Promise<void>;
}

/** The security proxy's `SECURITY_TOKEN` in front of the APIServer. */
const apiserverSecurityToken = 'kuberay-security-token-1';

/**
 * Starts the sandbox with its world (at `speed`×) and its KubeRay APIServer v2 front
 * (`raydeck sandbox --apiserver-v2`), writes compute templates the APIServer v1 way, and runs
 * `raydeck serve --apiserver-url <front>` from source as a child process, waiting for `/readyz`.
 * `addUser` creates the teams it names. Close it in `afterAll`.
 */
export async function startKubeRayApiServerPortal(
  options: { speed?: number } = {},
): Promise<KubeRayApiServerPortal> {
  const sandbox = await startSandbox({
    listen: '127.0.0.1:0',
    apiserverV2: '127.0.0.1:0',
    // Behind the Helm chart's security proxy, as a careful install runs it: the portal must
    // send the raw token, not `Bearer <token>`.
    apiserverV2SecurityToken: apiserverSecurityToken,
    speed: options.speed ?? 8,
  });
  const folders: string[] = [];
  let child: ChildProcess | undefined;
  const close = async (): Promise<void> => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await sandbox.stop();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  };
  try {
    const apiserverUrl = sandbox.apiserverV2Url ?? '';
    const request = sandboxRequester(sandbox.url, undefined);
    await request('POST', '/api/v1/namespaces', { metadata: { name: templatesNamespace } });
    for (const configMap of computeTemplateConfigMaps) {
      await request('POST', `/api/v1/namespaces/${templatesNamespace}/configmaps`, configMap);
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'raydeck-apiserver-'));
    const webRoot = mkdtempSync(join(tmpdir(), 'raydeck-web-'));
    folders.push(dataDir, webRoot);
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html>');
    const started = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/dev.ts', 'serve', '--apiserver-url', apiserverUrl],
      {
        cwd: packageRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...(process.env['PATH'] ? { PATH: process.env['PATH'] } : {}),
          RAYDECK_ADMIN_PASSWORD: adminPassword,
          RAYDECK_DATA_DIR: dataDir,
          RAYDECK_WEB_ROOT: webRoot,
          RAYDECK_HOST: '127.0.0.1',
          RAYDECK_PORT: '0',
          RAYDECK_LOG_LEVEL: 'warn',
          RAYDECK_APISERVER_TOKEN: apiserverSecurityToken,
          ...nodeRuntimeEnv(),
        },
      },
    );
    child = started;
    let output = '';
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = await waitForUrl(started, () => output);
    await waitForReady(url, started, () => output);
    const clients = await portalUserClients(url, adminPassword);
    return {
      url,
      apiserverUrl,
      apiserverToken: apiserverSecurityToken,
      sandbox: { url: sandbox.url, request },
      admin: clients.admin,
      addUser: clients.addUser,
      output: () => output,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The URL of the startup line `Raydeck portal listening on http://…`. */
async function waitForUrl(child: ChildProcess, output: () => string): Promise<string> {
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    const found = /Raydeck portal listening on (http:\/\/\S+)/.exec(output());
    if (found?.[1]) return found[1];
    if (child.exitCode !== null) throw new Error(`the portal exited:\n${output()}`);
    await delay(50);
  }
  throw new Error(`the portal printed no URL:\n${output()}`);
}

/** Waits for `GET /readyz` to answer 200. */
async function waitForReady(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + startTimeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the portal exited:\n${output()}`);
    const response = await fetch(`${url}/readyz`).catch((error: unknown) => error);
    if (response instanceof Response && response.ok) return;
    last = response instanceof Response ? await response.text() : String(response);
    await delay(100);
  }
  throw new Error(`the portal at ${url} never got ready (${last}):\n${output()}`);
}
