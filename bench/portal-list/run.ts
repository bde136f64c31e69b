/**
 * bench/portal-list: 10,000 RayClusters (and 40,000 Ray pods) in the sandbox; the portal lists a
 * filtered page of 50 from its watch-fed cache. Prints p50/p95 latency over 300 requests and the
 * portal's RSS. Goals: p95 ≤ 20 ms, RSS ≤ 150 MB. Needs `npm run build`.
 * Run: `npx tsx bench/portal-list/run.ts` (about a minute on 2 cores).
 */
import {
  benchRayCluster,
  benchRayPod,
  call,
  inParallel,
  percentile,
  portalMemory,
  startPortalProcess,
  startSandboxProcess,
} from '../support/benchProcesses.ts';

const clusters = Number(process.env['BENCH_CLUSTERS'] ?? 10_000);
const podsPerCluster = Number(process.env['BENCH_PODS_PER_CLUSTER'] ?? 4);
const teams = Array.from({ length: 10 }, (_unused, index) => `team-${index}`);

const sandbox = await startSandboxProcess();
for (const team of teams)
  await call(sandbox.url, 'POST', '/api/v1/namespaces', { metadata: { name: team } });
process.stdout.write(
  `Creating ${clusters} RayClusters and ${clusters * podsPerCluster} pods in the sandbox…\n`,
);
await inParallel(clusters, (index) => {
  const team = teams[index % teams.length] ?? 'team-0';
  return call(
    sandbox.url,
    'POST',
    `/apis/ray.io/v1/namespaces/${team}/rayclusters`,
    benchRayCluster(index, team),
  );
});
await inParallel(clusters * podsPerCluster, (index) => {
  const cluster = Math.floor(index / podsPerCluster);
  const team = teams[cluster % teams.length] ?? 'team-0';
  return call(
    sandbox.url,
    'POST',
    `/api/v1/namespaces/${team}/pods`,
    benchRayPod(cluster, index % podsPerCluster, team),
  );
});

const started = performance.now();
const portal = await startPortalProcess(sandbox.kubeconfig);
process.stdout.write(
  `portal ready (informers synced) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
);
const auth = { authorization: `Bearer ${portal.token}` };
const queries = [
  (index: number) => `/api/v1/clusters?team=team-${index % 10}&limit=50`,
  (index: number) => `/api/v1/clusters?phase=Pending&limit=50&q=bench-${index % 100}`,
  (index: number) =>
    `/api/v1/clusters?gpuType=NVIDIA-A100-SXM4-80GB&team=team-${index % 10}&limit=50`,
];
const warm = await call(portal.url, 'GET', '/api/v1/clusters?limit=1', undefined, auth);
process.stdout.write(
  `portal sees ${(JSON.parse(warm.text) as { total: number }).total} clusters\n`,
);
const times: number[] = [];
for (let index = 0; index < 300; index++) {
  const path = queries[index % queries.length]?.(index) ?? '/api/v1/clusters';
  const before = performance.now();
  const response = await call(portal.url, 'GET', path, undefined, auth);
  times.push(performance.now() - before);
  if (response.status !== 200)
    throw new Error(`${path} answered ${response.status}: ${response.text}`);
}
const { rss, heapUsed } = await portalMemory(portal.url);
process.stdout.write(
  `portal-list: filtered page of 50 over ${clusters} clusters: p50 ${percentile(times, 0.5).toFixed(1)} ms, p95 ${percentile(times, 0.95).toFixed(1)} ms (goal ≤ 20 ms); portal RSS ${(rss / 1e6).toFixed(0)} MB (goal ≤ 150 MB), V8 heap used ${(heapUsed / 1e6).toFixed(0)} MB\n`,
);
portal.child.kill('SIGTERM');
sandbox.child.send({ type: 'exit' });
process.exit(0);
