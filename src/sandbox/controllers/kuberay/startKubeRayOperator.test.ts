import { afterEach, describe, expect, it } from 'vitest';

import {
  type KubeRayTestWorld,
  startKubeRayTestWorld,
} from '../../../../test/support/startKubeRayTestWorld.ts';
import type { KubeObject } from '../../apiserver/resourceType.ts';
import type { Pod, RayCluster, RayClusterSpec, WorkerGroupSpec } from './RayCluster.ts';
import type { RayJob } from './RayJob.ts';

// Scripted timelines of the operator in the full simulated world (scheduler, kubelets, quota,
// Job and Endpoints controllers) on a ManualClock.

function worker(
  group: Partial<WorkerGroupSpec> & { gpus?: number; tolerateGpuTaint?: boolean },
): WorkerGroupSpec {
  const { gpus, tolerateGpuTaint, ...rest } = group;
  return {
    groupName: 'workers',
    replicas: 1,
    minReplicas: 0,
    maxReplicas: 10,
    rayStartParams: {},
    template: {
      spec: {
        containers: [
          {
            name: 'ray-worker',
            image: 'rayproject/ray:2.52.0',
            resources: {
              limits: {
                cpu: '2',
                memory: '4Gi',
                ...(gpus ? { 'nvidia.com/gpu': String(gpus) } : {}),
              },
              requests: {
                cpu: '2',
                memory: '4Gi',
                ...(gpus ? { 'nvidia.com/gpu': String(gpus) } : {}),
              },
            },
          },
        ],
        ...(tolerateGpuTaint
          ? { tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] }
          : {}),
      },
    },
    ...rest,
  };
}

function clusterSpec(workers: WorkerGroupSpec[]): RayClusterSpec {
  return {
    rayVersion: '2.52.0',
    headGroupSpec: {
      rayStartParams: {},
      template: {
        spec: {
          containers: [
            {
              name: 'ray-head',
              image: 'rayproject/ray:2.52.0',
              resources: {
                limits: { cpu: '1', memory: '4Gi' },
                requests: { cpu: '1', memory: '4Gi' },
              },
            },
          ],
        },
      },
    },
    workerGroupSpecs: workers,
  };
}

function rayCluster(name: string, namespace: string, workers: WorkerGroupSpec[]): RayCluster {
  return {
    apiVersion: 'ray.io/v1',
    kind: 'RayCluster',
    metadata: { name, namespace },
    spec: clusterSpec(workers),
  };
}

let world: KubeRayTestWorld;
afterEach(() => world.stop());

function cluster(namespace: string, name: string): RayCluster | undefined {
  return world.get<RayCluster>('ray.io', 'rayclusters', namespace, name);
}

function conditionOf(object: RayCluster | undefined, type: string) {
  return object?.status?.conditions?.find((condition) => condition.type === type);
}

async function advanceUntil(done: () => boolean, limitMs: number): Promise<void> {
  for (let elapsed = 0; elapsed < limitMs && !done(); elapsed += 500) await world.advance(500, 500);
}

describe('KubeRay operator in the simulated world', () => {
  it('brings a RayCluster to HeadPodReady and RayClusterProvisioned and serves its dashboard', async () => {
    world = startKubeRayTestWorld({ core: true });
    world.apply(rayCluster('demo', 'team-a', [worker({ replicas: 2 })]));
    await advanceUntil(
      () => conditionOf(cluster('team-a', 'demo'), 'RayClusterProvisioned')?.status === 'True',
      60_000,
    );
    const ready = cluster('team-a', 'demo');
    expect(conditionOf(ready, 'HeadPodReady')).toMatchObject({
      status: 'True',
      reason: 'HeadPodRunningAndReady',
    });
    expect(ready?.status).toMatchObject({
      state: 'ready',
      readyWorkerReplicas: 2,
      availableWorkerReplicas: 2,
    });
    expect(ready?.status?.head?.podIP).toMatch(/^10\.244\./);

    const url = await world.apiServer.listen('127.0.0.1', 0);
    try {
      const response = await fetch(
        `${url}/api/v1/namespaces/team-a/services/demo-head-svc:dashboard/proxy/api/version`,
      );
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ ray_version: '2.52.0' });
    } finally {
      await world.apiServer.close();
    }
  });

  it('reports the head container’s waiting reason, such as ImagePullBackOff, as HeadPodReady’s reason', async () => {
    world = startKubeRayTestWorld({ core: true });
    const broken = rayCluster('bad-image', 'team-a', []);
    const head = broken.spec.headGroupSpec.template.spec.containers[0];
    if (head) head.image = 'rayproject/ray:bad';
    world.apply(broken);
    await advanceUntil(
      () =>
        conditionOf(cluster('team-a', 'bad-image'), 'HeadPodReady')?.reason === 'ImagePullBackOff',
      60_000,
    );
    const condition = conditionOf(cluster('team-a', 'bad-image'), 'HeadPodReady');
    expect(condition).toMatchObject({ status: 'False', reason: 'ImagePullBackOff' });
    expect(condition?.message).toMatch(
      /^containers with unready status: \[ray-head\]; ray-head: Back-off pulling image "rayproject\/ray:bad"/,
    );
    expect(cluster('team-a', 'bad-image')?.status?.state ?? '').toBe('');
  });

  it('records a quota rejection as ReplicaFailure and FailedToCreateWorkerPod', async () => {
    world = startKubeRayTestWorld({ core: true });
    world.apply(
      rayCluster('gpus', 'team-b', [worker({ replicas: 3, gpus: 1, tolerateGpuTaint: true })]),
    );
    await world.advance(2000, 500);
    const pods = world
      .list<Pod>('', 'pods', 'team-b')
      .filter((pod) => pod.metadata.labels?.['ray.io/node-type'] === 'worker');
    expect(pods).toHaveLength(2);
    const failure = conditionOf(cluster('team-b', 'gpus'), 'ReplicaFailure');
    expect(failure).toMatchObject({ status: 'True', reason: 'FailedCreateWorkerPod' });
    expect(failure?.message).toMatch(
      /^FailedCreateWorkerPod\npods ".*" is forbidden: exceeded quota: team-b-quota/,
    );
    const event = world
      .eventsFor('gpus')
      .find((candidate) => candidate.reason === 'FailedToCreateWorkerPod');
    expect(event?.type).toBe('Warning');
    expect(event?.note).toMatch(
      /^Failed to create worker Pod for the cluster team-b\/gpus, pods ".*" is forbidden: exceeded quota: team-b-quota, requested: requests\.nvidia\.com\/gpu=1, used: requests\.nvidia\.com\/gpu=2, limited: requests\.nvidia\.com\/gpu=2$/,
    );

    const current = cluster('team-b', 'gpus') as RayCluster;
    world.api.update(
      world.api.registry.lookup('ray.io', 'v1', 'rayclusters') as NonNullable<
        ReturnType<typeof world.api.registry.lookup>
      >,
      'team-b',
      'gpus',
      {
        ...current,
        spec: {
          ...current.spec,
          workerGroupSpecs: [worker({ replicas: 2, gpus: 1, tolerateGpuTaint: true })],
        },
      },
    );
    await world.advance(5000, 500);
    expect(conditionOf(cluster('team-b', 'gpus'), 'ReplicaFailure')).toBeUndefined();
  });

  it('keeps a worker that asks for more GPUs than any node has Pending with the scheduler’s reason', async () => {
    world = startKubeRayTestWorld({ core: true });
    world.apply(
      rayCluster('too-big', 'team-a', [worker({ replicas: 1, gpus: 8, tolerateGpuTaint: true })]),
    );
    await world.advance(30_000, 500);
    const pod = world
      .list<Pod>('', 'pods', 'team-a')
      .find((candidate) => candidate.metadata.labels?.['ray.io/node-type'] === 'worker') as Pod;
    expect(pod.status?.phase).toBe('Pending');
    const scheduled = pod.status?.conditions?.find(
      (condition) => condition.type === 'PodScheduled',
    );
    expect(scheduled).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    expect(scheduled?.message).toMatch(
      /^0\/4 nodes are available: .*4 Insufficient nvidia\.com\/gpu/,
    );
    const events = world.eventsFor(pod.metadata.name ?? '');
    expect(
      events.some(
        (event) => event.reason === 'FailedScheduling' && event.note === scheduled?.message,
      ),
    ).toBe(true);
    const status = cluster('team-a', 'too-big')?.status;
    expect(status).toMatchObject({ readyWorkerReplicas: 0, desiredGPU: '8' });
    expect(conditionOf(cluster('team-a', 'too-big'), 'HeadPodReady')?.status).toBe('True');
    expect(conditionOf(cluster('team-a', 'too-big'), 'RayClusterProvisioned')?.status).toBe(
      'False',
    );
  });

  it('retries a failing K8sJobMode RayJob on new clusters, then deletes a finished one after its TTL', async () => {
    world = startKubeRayTestWorld({ core: true });
    const job = (name: string, spec: Partial<RayJob['spec']>): KubeObject => ({
      apiVersion: 'ray.io/v1',
      kind: 'RayJob',
      metadata: { name, namespace: 'team-a' },
      spec: { rayClusterSpec: clusterSpec([worker({ replicas: 1 })]), ...spec },
    });
    world.apply(
      job('fails', { entrypoint: 'python -c "raise SystemExit(1)" && exit 1', backoffLimit: 1 }),
    );
    const clusters = new Set<string>();
    const statusOf = (name: string) =>
      world.get<RayJob>('ray.io', 'rayjobs', 'team-a', name)?.status ?? {};
    await advanceUntil(() => {
      const name = statusOf('fails').rayClusterName;
      if (name) clusters.add(name);
      return (statusOf('fails').failed ?? 0) >= 2;
    }, 600_000);
    expect(statusOf('fails')).toMatchObject({
      jobDeploymentStatus: 'Failed',
      jobStatus: 'FAILED',
      reason: 'AppFailed',
      failed: 2,
    });
    expect(clusters.size).toBe(2);
    const submitterJob = world.get<
      KubeObject & { status?: { failed?: number; conditions?: { type: string }[] } }
    >('batch', 'jobs', 'team-a', 'fails');
    expect(submitterJob?.status?.conditions?.some((condition) => condition.type === 'Failed')).toBe(
      true,
    );

    world.apply(
      job('works', {
        entrypoint: 'echo done',
        shutdownAfterJobFinishes: true,
        ttlSecondsAfterFinished: 30,
      }),
    );
    await advanceUntil(() => statusOf('works').jobDeploymentStatus === 'Complete', 300_000);
    expect(statusOf('works')).toMatchObject({ jobStatus: 'SUCCEEDED', succeeded: 1 });
    const clusterName = statusOf('works').rayClusterName ?? '';
    const pods = world
      .list<Pod>('', 'pods', 'team-a')
      .filter((pod) => pod.metadata.labels?.['ray.io/originated-from-cr-name'] === 'works');
    expect(pods.every((pod) => pod.status?.phase === 'Succeeded')).toBe(true);
    await world.advance(20_000, 1000);
    expect(cluster('team-a', clusterName)).toBeDefined();
    await world.advance(20_000, 1000);
    expect(cluster('team-a', clusterName)).toBeUndefined();
    expect(world.get('batch', 'jobs', 'team-a', 'works')).toBeDefined();
  });
});
