/**
 * Sandbox API server benchmark (issue "Sandbox Kubernetes API server"). Prints:
 * - the create rate of 10,000 RayClusters over HTTP (goal ≥ 2,000/s);
 * - the latency of one unpaginated list of 10,000 RayClusters (goal ≤ 150 ms);
 * - watch fan-out: delivery latency of 200 updates to 100 watchers;
 * - the server's RSS holding 50,000 objects (goal ≤ 500 MB).
 * Run: `npx tsx bench/sandbox-apiserver/run.ts` (about a minute on 2 cores).
 */
import { request } from 'node:http';

import {
  benchRayCluster,
  benchRayPod,
  call as callAt,
  countedGet,
  inParallel as runInParallel,
  percentile,
  startSandboxProcess,
} from '../support/benchProcesses.ts';

const clusterCount = Number(process.env['BENCH_CLUSTERS'] ?? 10_000);
const podCount = Number(process.env['BENCH_PODS'] ?? 40_000);

const { url, child } = await startSandboxProcess();
const base = new URL(url);
const call = (method: string, path: string, body?: unknown) => callAt(url, method, path, body);
/** Runs `count` requests 32 at a time; resolves with the seconds it took. */
async function inParallel(
  count: number,
  make: (index: number) => Promise<unknown>,
): Promise<number> {
  const started = performance.now();
  await runInParallel(count, make);
  return (performance.now() - started) / 1000;
}
const rayCluster = (index: number) => ({
  ...benchRayCluster(index, 'default'),
  metadata: { name: `bench-${index}` },
});

const clusters = '/apis/ray.io/v1/namespaces/default/rayclusters';
process.stdout.write(`Creating ${clusterCount} RayClusters with 32 concurrent requests…\n`);
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
  const response = await countedGet(url, clusters);
  listTimes.push(performance.now() - started);
  listBytes = response.bytes;
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
  call(
    'POST',
    '/api/v1/namespaces/default/pods',
    benchRayPod(Math.floor(index / 4), index % 4, 'default'),
  ).then(() => undefined),
);
child.send({ type: 'rss' });
const memory = await new Promise<{ rss: number; heapUsed: number }>((resolve) =>
  child.once('message', resolve),
);
process.stdout.write(
  `memory: ${clusterCount + podCount} objects, sandbox RSS ${(memory.rss / 1e6).toFixed(0)} MB, heap ${(memory.heapUsed / 1e6).toFixed(0)} MB (goal ≤ 500 MB)\n`,
);
child.send({ type: 'exit' });
