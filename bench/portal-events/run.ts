/**
 * bench/portal-events: 1,000 RayClusters; 20 status changes per second go into the sandbox; the
 * time from each change to its arrival on the portal's SSE stream. Prints p50/p95. Goal: p95 ≤
 * 100 ms (KubeRay's dashboard polls every 5 s). Needs `npm run build`.
 * Run: `npx tsx bench/portal-events/run.ts`.
 */
import { request } from 'node:http';

import {
  benchRayCluster,
  call,
  percentile,
  startPortalProcess,
  startSandboxProcess,
} from '../support/benchProcesses.ts';

const clusters = Number(process.env['BENCH_CLUSTERS'] ?? 1000);
const changesPerSecond = 20;
const seconds = Number(process.env['BENCH_SECONDS'] ?? 15);

const sandbox = await startSandboxProcess();
await call(sandbox.url, 'POST', '/api/v1/namespaces', { metadata: { name: 'team-a' } });
for (let index = 0; index < clusters; index++) {
  await call(
    sandbox.url,
    'POST',
    '/apis/ray.io/v1/namespaces/team-a/rayclusters',
    benchRayCluster(index, 'team-a'),
  );
}
const portal = await startPortalProcess(sandbox.kubeconfig);

const sentAt = new Map<string, number>();
const latencies: number[] = [];
const stream = new URL(portal.url);
await new Promise<void>((resolve) => {
  const outgoing = request(
    {
      host: stream.hostname,
      port: stream.port,
      path: '/api/v1/stream',
      headers: { authorization: `Bearer ${portal.token}` },
    },
    (response) => {
      let buffer = '';
      response.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (block.includes('event: cluster') && data) {
            const summary = (
              JSON.parse(data) as { summary: { name: string; workers: { desired: number } } }
            ).summary;
            const key = `${summary.name}:${summary.workers.desired}`;
            const sent = sentAt.get(key);
            if (sent !== undefined) {
              latencies.push(performance.now() - sent);
              sentAt.delete(key);
            }
          }
          end = buffer.indexOf('\n\n');
        }
      });
      resolve();
    },
  );
  outgoing.end();
});

process.stdout.write(
  `Sending ${changesPerSecond} status changes/s for ${seconds} s over ${clusters} clusters…\n`,
);
let change = 0;
const total = changesPerSecond * seconds;
const timer = setInterval(() => {
  for (let burst = 0; burst < changesPerSecond / 10 && change < total; burst++, change++) {
    const name = `bench-${change % clusters}`;
    const desired = 4 + (change % 50) + Math.floor(change / clusters) * 50;
    sentAt.set(`${name}:${desired}`, performance.now());
    void call(
      sandbox.url,
      'PATCH',
      `/apis/ray.io/v1/namespaces/team-a/rayclusters/${name}/status`,
      {
        status: { desiredWorkerReplicas: desired, readyWorkerReplicas: 0 },
      },
    );
  }
}, 100);
while (change < total) await new Promise((resolve) => setTimeout(resolve, 100));
clearInterval(timer);
await new Promise((resolve) => setTimeout(resolve, 1500));
process.stdout.write(
  `portal-events: ${latencies.length}/${total} changes reached the SSE stream; change → browser p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p95 ${percentile(latencies, 0.95).toFixed(1)} ms (goal ≤ 100 ms)\n`,
);
portal.child.kill('SIGTERM');
sandbox.child.send({ type: 'exit' });
process.exit(0);
