/**
 * Sandbox API server benchmark (issue "Sandbox Kubernetes API server"). Prints:
 * - the create rate of 10,000 RayClusters over HTTP (goal ≥ 2,000/s);
 * - the latency of one unpaginated list of 10,000 RayClusters (goal ≤ 150 ms);
 * - watch fan-out: delivery latency of 200 updates to 100 watchers;
 * - the server's RSS holding 50,000 objects (goal ≤ 500 MB).
 * Run: `npx tsx bench/sandbox-apiserver/run.ts` (about a minute on 2 cores).
 */
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';

const clusterCount = Number(process.env['BENCH_CLUSTERS'] ?? 10_000);
const podCount = Number(process.env['BENCH_PODS'] ?? 40_000);
const concurrency = 32;
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

const child = fork(fileURLToPath(new URL('./sandboxServerProcess.ts', import.meta.url)), [], {
  execArgv: ['--import', 'tsx', '--expose-gc'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const url = await new Promise<string>((resolve) =>
  child.once('message', (message: { url: string }) => resolve(message.url)),
);
const base = new URL(url);

function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const outgoing = request(
      {
        host: base.hostname,
        port: base.port,
        path,
        method,
        agent,
        headers: payload
          ? {
              'content-type':
                method === 'PATCH' ? 'application/merge-patch+json' : 'application/json',
              'content-length': Buffer.byteLength(payload),
            }
          : {},
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

async function inParallel(
  count: number,
  make: (index: number) => Promise<unknown>,
): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await make(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}

const rayCluster = (index: number) => ({
  apiVersion: 'ray.io/v1',
  kind: 'RayCluster',
  metadata: { name: `bench-${index}`, labels: { team: `team-${index % 10}` } },
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
                resources: { limits: { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': '1' } },
              },
            ],
          },
        },
      },
    ],
  },
});

const clusters = '/apis/ray.io/v1/namespaces/default/rayclusters';
process.stdout.write(
  `Creating ${clusterCount} RayClusters with ${concurrency} concurrent requests…\n`,
);
let failures = 0;
const createSeconds = await inParallel(clusterCount, async (index) => {
  const response = await call('POST', clusters, rayCluster(index));
  if (response.status !== 201) failures++;
  if (index > 0 && index % 2000 === 0) process.stdout.write(`  ${index} created\n`);
});
process.stdout.write(
  `create: ${clusterCount} RayClusters in ${createSeconds.toFixed(2)} s = ${Math.round(clusterCount / createSeconds)}/s (${failures} failed; goal ≥ 2000/s)\n`,
);

const listTimes: number[] = [];
let listBytes = 0;
for (let run = 0; run < 7; run++) {
  const started = performance.now();
  const response = await call('GET', clusters);
  listTimes.push(performance.now() - started);
  listBytes = response.text.length;
}
process.stdout.write(
  `list: ${clusterCount} RayClusters (${(listBytes / 1e6).toFixed(1)} MB) p50 ${percentile(listTimes, 0.5).toFixed(1)} ms, max ${Math.max(...listTimes).toFixed(1)} ms (goal ≤ 150 ms)\n`,
);

// Fan-out: 100 watchers on configmaps; 200 updates; delivery latency per update per watcher.
await call('POST', '/api/v1/namespaces/default/configmaps', {
  metadata: { name: 'fanout' },
  data: { t: '0' },
});
const watcherCount = 100;
const updates = 200;
const latencies: number[] = [];
let delivered = 0;
const sentAt = new Map<string, number>();
const watchers = await Promise.all(
  Array.from(
    { length: watcherCount },
    () =>
      new Promise<ReturnType<typeof request>>((resolve) => {
        const watch = request(
          {
            host: base.hostname,
            port: base.port,
            path: '/api/v1/namespaces/default/configmaps?watch=true&fieldSelector=metadata.name%3Dfanout&resourceVersion=0',
          },
          (response) => {
            let buffer = '';
            response.on('data', (chunk: Buffer) => {
              buffer += chunk.toString();
              let newline = buffer.indexOf('\n');
              while (newline >= 0) {
                const event = JSON.parse(buffer.slice(0, newline)) as {
                  object: { data: { t: string } };
                };
                buffer = buffer.slice(newline + 1);
                const sent = sentAt.get(event.object.data.t);
                if (sent !== undefined) {
                  latencies.push(performance.now() - sent);
                  delivered++;
                }
                newline = buffer.indexOf('\n');
              }
            });
            resolve(watch);
          },
        );
        watch.end();
      }),
  ),
);
await new Promise((resolve) => setTimeout(resolve, 500));
const fanoutStarted = performance.now();
for (let update = 1; update <= updates; update++) {
  sentAt.set(String(update), performance.now());
  await call('PATCH', '/api/v1/namespaces/default/configmaps/fanout', {
    data: { t: String(update) },
  });
}
while (delivered < watcherCount * updates && performance.now() - fanoutStarted < 30_000) {
  await new Promise((resolve) => setTimeout(resolve, 20));
}
process.stdout.write(
  `fan-out: ${updates} updates × ${watcherCount} watchers: ${delivered} deliveries, latency p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p95 ${percentile(latencies, 0.95).toFixed(1)} ms\n`,
);
for (const watch of watchers) watch.destroy();

process.stdout.write(`Creating ${podCount} pods to reach ${clusterCount + podCount} objects…\n`);
await inParallel(podCount, (index) =>
  call('POST', '/api/v1/namespaces/default/pods', {
    metadata: {
      name: `bench-pod-${index}`,
      labels: { 'ray.io/cluster': `bench-${index % clusterCount}`, 'ray.io/is-ray-node': 'yes' },
    },
    spec: {
      containers: [
        {
          name: 'ray-worker',
          image: 'rayproject/ray:2.52.0-gpu',
          resources: { limits: { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': '1' } },
        },
      ],
    },
  }),
);
child.send({ type: 'rss' });
const memory = await new Promise<{ rss: number; heapUsed: number }>((resolve) =>
  child.once('message', resolve),
);
process.stdout.write(
  `memory: ${clusterCount + podCount} objects, sandbox RSS ${(memory.rss / 1e6).toFixed(0)} MB, heap ${(memory.heapUsed / 1e6).toFixed(0)} MB (goal ≤ 500 MB)\n`,
);
child.send({ type: 'exit' });
agent.destroy();
