/**
 * Shared set-up of the portal benchmarks: a sandbox API server in its own process (no simulated
 * nodes, so only the API and its watch feed cost CPU), bulk object creation over HTTP, and the
 * built portal (`bin/raydeck.js serve`) in its own process, so its RSS is its own.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { sandboxKubeconfig } from '../../src/sandbox/kubeconfigFile.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const agent = new Agent({ keepAlive: true, maxSockets: 32 });

/** A JSON request over a keep-alive agent. */
export function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method,
        agent,
        headers: {
          ...(payload
            ? {
                'content-type':
                  method === 'PATCH' ? 'application/merge-patch+json' : 'application/json',
                'content-length': Buffer.byteLength(payload),
              }
            : {}),
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            headers: response.headers,
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/**
 * A GET whose answer is drained and counted, never collected: what a benchmark of the server's
 * list time must measure (collecting 9 MB into one string costs the client as much as the server
 * spends answering). Resolves at the last byte.
 */
export function countedGet(
  base: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; bytes: number }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: url.hostname, port: url.port, path, method: 'GET', agent, headers },
      (response) => {
        let bytes = 0;
        response.on('data', (chunk: Buffer) => (bytes += chunk.length));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, bytes }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** Runs `make(i)` for i in [0, count) with 32 requests in flight. */
export async function inParallel(
  count: number,
  make: (index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < count) await make(next++);
    }),
  );
}

export function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}

/** Starts the bare sandbox API server in a child process; resolves with its URL and a kubeconfig. */
export async function startSandboxProcess(): Promise<{
  url: string;
  kubeconfig: string;
  child: ChildProcess;
}> {
  const child = fork(join(root, 'bench/sandbox-apiserver/sandboxServerProcess.ts'), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve) =>
    child.once('message', (message: { url: string }) => resolve(message.url)),
  );
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'raydeck-bench-')), 'kubeconfig');
  writeFileSync(kubeconfig, sandboxKubeconfig(url));
  return { url, kubeconfig, child };
}

/**
 * A RayCluster with 1 head and a 3-worker group, labelled like Raydeck's; each worker holds one
 * A100 unless `gpuWorkers` is false.
 */
export function benchRayCluster(
  index: number,
  team: string,
  options: { gpuWorkers?: boolean } = {},
): object {
  const gpu = options.gpuWorkers ?? true;
  return {
    apiVersion: 'ray.io/v1',
    kind: 'RayCluster',
    metadata: {
      name: `bench-${index}`,
      namespace: team,
      labels: {
        'app.kubernetes.io/managed-by': 'raydeck',
        'raydeck.dev/owner': `user-${index % 50}`,
        'raydeck.dev/template': index % 3 === 0 ? 'a100-1' : 'cpu-small',
      },
    },
    spec: {
      rayVersion: '2.52.0',
      headGroupSpec: {
        rayStartParams: {},
        template: {
          spec: {
            containers: [
              {
                name: 'ray-head',
                image: 'rayproject/ray:2.52.0',
                resources: { limits: { cpu: '2', memory: '8Gi' } },
              },
            ],
          },
        },
      },
      workerGroupSpecs: [
        {
          groupName: 'gpu',
          replicas: 3,
          minReplicas: 0,
          maxReplicas: 8,
          rayStartParams: {},
          template: {
            spec: {
              containers: [
                {
                  name: 'ray-worker',
                  image: 'rayproject/ray:2.52.0-gpu',
                  resources: {
                    limits: { cpu: '8', memory: '32Gi', ...(gpu ? { 'nvidia.com/gpu': '1' } : {}) },
                  },
                },
              ],
              ...(gpu
                ? { nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' } }
                : {}),
            },
          },
        },
      ],
    },
  };
}

/** A Ray pod of a bench cluster (as KubeRay labels them). */
export function benchRayPod(cluster: number, replica: number, team: string): object {
  const role = replica === 0 ? 'head' : 'worker';
  return {
    metadata: {
      name: `bench-${cluster}-${role}-${replica}`,
      namespace: team,
      labels: {
        'ray.io/cluster': `bench-${cluster}`,
        'ray.io/node-type': role,
        'ray.io/group': role === 'head' ? 'headgroup' : 'gpu',
        'ray.io/is-ray-node': 'yes',
      },
    },
    spec: {
      containers: [
        {
          name: role === 'head' ? 'ray-head' : 'ray-worker',
          image: 'rayproject/ray:2.52.0-gpu',
          resources: {
            limits: { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': role === 'head' ? '0' : '1' },
          },
        },
      ],
    },
  };
}

/**
 * Starts the built portal against the sandbox (needs `npm run build`), waits until `/readyz`, and
 * returns its URL and an API token of the admin.
 */
export async function startPortalProcess(
  kubeconfig: string,
): Promise<{ url: string; token: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      join(root, 'bin/raydeck.js'),
      'serve',
      '--port',
      '0',
      '--kubeconfig',
      kubeconfig,
      '--data-dir',
      mkdtempSync(join(tmpdir(), 'raydeck-bench-data-')),
      '--log-level',
      'warn',
    ],
    {
      env: { ...process.env, RAYDECK_ADMIN_PASSWORD: 'bench-password-1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`portal exited with ${code}: ${output}`)));
  });
  for (;;) {
    const ready = await call(url, 'GET', '/readyz');
    if (ready.status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const login = await call(url, 'POST', '/api/v1/auth/login', {
    username: 'admin',
    password: 'bench-password-1',
  });
  const cookie = String(login.headers['set-cookie'] ?? '').split(';')[0] ?? '';
  const csrf = (JSON.parse(login.text) as { csrfToken: string }).csrfToken;
  const created = await call(
    url,
    'POST',
    '/api/v1/tokens',
    { name: 'bench' },
    { cookie, 'x-csrf-token': csrf },
  );
  const token = (JSON.parse(created.text) as { token: string }).token;
  return { url, token, child };
}

/** Resident set size and used V8 heap of the portal, read from its own `/metrics`. */
export async function portalMemory(url: string): Promise<{ rss: number; heapUsed: number }> {
  const metrics = await call(url, 'GET', '/metrics');
  const value = (name: string) =>
    Number(new RegExp(`^${name} (\\d+)`, 'm').exec(metrics.text)?.[1] ?? 0);
  return {
    rss: value('process_resident_memory_bytes'),
    heapUsed: value('nodejs_heap_size_used_bytes'),
  };
}
