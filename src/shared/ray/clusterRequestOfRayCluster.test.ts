import { describe, expect, it } from 'vitest';

import { clusterRequestOfRayCluster } from './clusterRequestOfRayCluster.ts';
import type { RayClusterResource } from './rayTypes.ts';

const container = (image: string, gpus?: string) => ({
  name: 'ray',
  image,
  ...(gpus ? { resources: { limits: { 'nvidia.com/gpu': gpus } } } : {}),
});

const cluster = (spec: Partial<RayClusterResource['spec']> = {}): RayClusterResource => ({
  metadata: { name: 'demo', namespace: 'team-a' },
  spec: {
    rayVersion: '2.52.0',
    headGroupSpec: { template: { spec: { containers: [container('rayproject/ray:2.52.0')] } } },
    workerGroupSpecs: [
      {
        groupName: 'gpu',
        replicas: 1,
        minReplicas: 0,
        maxReplicas: 2,
        template: { spec: { containers: [container('rayproject/ray:2.52.0-gpu', '2')] } },
      },
      {
        groupName: 'bare',
        numOfHosts: 2,
        template: { spec: { containers: [container('rayproject/ray:2.52.0-gpu', '1')] } },
      },
    ],
    ...spec,
  },
});

describe('clusterRequestOfRayCluster', () => {
  it('reads version, images, autoscaling and every group with its GPUs per replica', () => {
    expect(clusterRequestOfRayCluster(cluster({ enableInTreeAutoscaling: true }))).toEqual({
      rayVersion: '2.52.0',
      image: 'rayproject/ray:2.52.0',
      exposure: 'ClusterIP',
      autoscaling: { enabled: true },
      workerGroups: [
        {
          name: 'gpu',
          replicas: 1,
          minReplicas: 0,
          maxReplicas: 2,
          gpusPerWorker: 2,
          image: 'rayproject/ray:2.52.0-gpu',
        },
        {
          name: 'bare',
          replicas: 0,
          minReplicas: 0,
          maxReplicas: 2147483647,
          gpusPerWorker: 2,
          image: 'rayproject/ray:2.52.0-gpu',
        },
      ],
    });
  });

  it.each([
    [{ serviceType: 'NodePort' }, 'NodePort'],
    [{ serviceType: 'LoadBalancer' }, 'LoadBalancer'],
    [{ headService: { spec: { type: 'LoadBalancer' } } }, 'LoadBalancer'],
    [{ enableIngress: true, ingressOptions: { host: 'ray.lab' } }, 'Ingress'],
    [{ serviceType: 'ClusterIP' }, 'ClusterIP'],
  ] as const)('reads exposure %j as %s', (head, exposure) => {
    const base = cluster();
    const shaped = clusterRequestOfRayCluster(
      cluster({ headGroupSpec: { ...base.spec.headGroupSpec, ...head } }),
    );
    expect(shaped.exposure).toBe(exposure);
    if (exposure === 'Ingress') expect(shaped.ingressHost).toBe('ray.lab');
  });
});
