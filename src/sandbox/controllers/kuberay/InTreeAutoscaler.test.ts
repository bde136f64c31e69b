import { afterEach, describe, expect, it } from 'vitest';

import {
  type KubeRayTestWorld,
  startKubeRayTestWorld,
} from '../../../../test/support/startKubeRayTestWorld.ts';
import type { Pod, RayCluster } from './RayCluster.ts';

let world: KubeRayTestWorld;
afterEach(() => world.stop());

const autoscaling: RayCluster = {
  apiVersion: 'ray.io/v1',
  kind: 'RayCluster',
  metadata: { name: 'elastic', namespace: 'default' },
  spec: {
    rayVersion: '2.52.0',
    enableInTreeAutoscaling: true,
    autoscalerOptions: { idleTimeoutSeconds: 30 },
    headGroupSpec: {
      rayStartParams: { 'num-cpus': '0' },
      template: {
        spec: {
          containers: [
            {
              name: 'ray-head',
              image: 'rayproject/ray:2.52.0',
              resources: { limits: { cpu: '1', memory: '2Gi' } },
            },
          ],
        },
      },
    },
    workerGroupSpecs: [
      {
        groupName: 'gpu',
        replicas: 0,
        minReplicas: 0,
        maxReplicas: 2,
        template: {
          spec: {
            containers: [
              {
                name: 'ray-worker',
                image: 'rayproject/ray:2.52.0',
                resources: { limits: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '1' } },
              },
            ],
          },
        },
      },
    ],
  },
};

function workers(): Pod[] {
  return world
    .list<Pod>('', 'pods', 'default')
    .filter(
      (pod) =>
        pod.metadata.labels?.['ray.io/cluster'] === 'elastic' &&
        pod.metadata.labels['ray.io/node-type'] === 'worker',
    );
}

function cluster(): RayCluster {
  return world.get<RayCluster>('ray.io', 'rayclusters', 'default', 'elastic') as RayCluster;
}

async function runFor(ms: number): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += 1000) {
    for (const pod of world.list<Pod>('', 'pods', 'default')) {
      if (pod.status?.phase === 'Pending') world.runPod(pod);
    }
    await world.advance(1000);
  }
}

describe('in-tree autoscaler', () => {
  it('adds a GPU worker for a pending GPU job and removes it after the idle timeout', async () => {
    world = startKubeRayTestWorld();
    world.apply(autoscaling);
    await runFor(3000);
    expect(workers()).toHaveLength(0);
    const head = world.operator.runtime.heads.get('default/elastic');
    expect(head).toBeDefined();
    head?.submitJob({ entrypoint: 'sleep 20', submissionId: 'gpu-job', entrypointNumGpus: 1 });
    expect(head?.pendingResourceDemand()).toEqual([expect.objectContaining({ GPU: 1 })]);

    await runFor(10_000);
    expect(cluster().spec.workerGroupSpecs?.[0]?.replicas).toBe(1);
    expect(workers()).toHaveLength(1);
    await runFor(10_000);
    expect(head?.getJob('gpu-job')?.status).toBe('RUNNING');

    for (
      let waited = 0;
      waited < 60_000 && head?.getJob('gpu-job')?.status !== 'SUCCEEDED';
      waited += 1000
    ) {
      await runFor(1000);
    }
    expect(head?.getJob('gpu-job')?.status).toBe('SUCCEEDED');
    await runFor(20_000);
    expect(workers()).toHaveLength(1);
    await runFor(20_000);
    expect(cluster().spec.workerGroupSpecs?.[0]?.replicas).toBe(0);
    expect(workers()).toHaveLength(0);
    await runFor(10_000);
    expect(cluster().spec.workerGroupSpecs?.[0]?.scaleStrategy?.workersToDelete ?? []).toEqual([]);
  });
});
