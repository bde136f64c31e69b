/**
 * Sandbox world benchmark (issue "Sandbox world"): 10,000 RayClusters (1 head + 3 workers) on a
 * world of 1,000 simulated nodes, at maximum speed, everything in-process (API server, scheduler,
 * kubelet, quota, KubeRay operator, Ray heads). Prints the real seconds until every cluster is
 * Ready (HeadPodReady and all workers ready) and the peak RSS, with progress.
 * Goal: ≤ 5 minutes and ≤ 2 GB on 2 cores. Run: `npx tsx bench/sandbox-world/run.ts`.
 */
import { createSandboxApiServer } from '../../src/sandbox/apiserver/createSandboxApiServer.ts';
import { podGracefulDeletion } from '../../src/sandbox/controllers/core/kubelet.ts';
import { ScaledClock } from '../../src/sandbox/world/simClock.ts';
import { startWorld } from '../../src/sandbox/world/startWorld.ts';
import { parseWorldConfig } from '../../src/sandbox/world/worldConfig.ts';
import { benchRayCluster } from '../support/benchProcesses.ts';

const clusters = Number(process.env['BENCH_CLUSTERS'] ?? 10_000);
const nodes = Number(process.env['BENCH_NODES'] ?? 1000);
/** Simulated time runs this much faster than real time: "maximum speed" without starving I/O. */
const speed = Number(process.env['BENCH_SPEED'] ?? 200);

// 1,000 nodes of 192 CPU / 1 TiB with 8 GPUs each: room for 10,000 × (1 head + 3 workers) =
// 40,000 pods (260,000 CPU); a tenth of the clusters put one GPU on each worker (3,000 GPUs).
const world = parseWorldConfig(`
speed: ${speed}
nodePools:
  - name: gpu
    count: ${nodes}
    cpu: 320
    memory: 2Ti
    pods: 110
    gpu: { count: 8, product: NVIDIA-A100-SXM4-80GB, memoryMiB: 81920 }
namespaces:
  - name: bench
timings:
  imagePullSeconds: 2
  containerStartSeconds: 1
  readinessSeconds: 2
`);

const apiServer = createSandboxApiServer({
  gracefulDeletion: podGracefulDeletion,
  eventWindow: 20_000,
});
const running = startWorld({ apiServer, world, clock: new ScaledClock(speed) });
const rayClustersType = apiServer.registry.lookup('ray.io', 'v1', 'rayclusters');
if (!rayClustersType) throw new Error('rayclusters not served');
const rayClusters = rayClustersType;

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 250);

const started = performance.now();
for (let index = 0; index < clusters; index++) {
  apiServer.api.create(
    rayClusters,
    'bench',
    benchRayCluster(index, 'bench', { gpuWorkers: index % 10 === 0 }),
  );
  // Let controllers run while creating, as a real API server would interleave.
  if (index % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
}
process.stdout.write(
  `created ${clusters} RayClusters in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
);

function readyCount(): number {
  let ready = 0;
  for (const record of apiServer.store.list(rayClusters.storageKey)) {
    const status = record.object['status'] as
      | {
          conditions?: { type: string; status: string }[];
          readyWorkerReplicas?: number;
          desiredWorkerReplicas?: number;
        }
      | undefined;
    const headReady = status?.conditions?.some(
      (condition) => condition.type === 'HeadPodReady' && condition.status === 'True',
    );
    if (headReady && (status?.readyWorkerReplicas ?? 0) >= 3) ready++;
  }
  return ready;
}

const timeoutMs = 15 * 60 * 1000;
let ready = 0;
while (ready < clusters && performance.now() - started < timeoutMs) {
  await new Promise((resolve) => setTimeout(resolve, 5000));
  ready = readyCount();
  process.stdout.write(
    `  ${((performance.now() - started) / 1000).toFixed(0)} s: ${ready}/${clusters} ready, RSS ${(process.memoryUsage().rss / 1e9).toFixed(2)} GB\n`,
  );
}
clearInterval(sampler);
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `sandbox-world: ${ready}/${clusters} RayClusters (1 head + 3 workers) Ready on ${nodes} nodes in ${seconds.toFixed(0)} s real time at speed ${speed}; peak RSS ${(peakRss / 1e9).toFixed(2)} GB (goals ≤ 300 s, ≤ 2 GB)\n`,
);
running.stop();
await apiServer.close();
process.exit(0);
