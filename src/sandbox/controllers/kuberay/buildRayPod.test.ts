import { describe, expect, it } from 'vitest';

import {
  buildRayPod,
  generateRayStartCommand,
  rayResourcesOfParams,
  rayStartParamsOf,
} from './buildRayPod.ts';
import type { Container, RayCluster, WorkerGroupSpec } from './RayCluster.ts';

function cluster(
  rayVersion: string,
  worker: Partial<WorkerGroupSpec> & { container?: Partial<Container> } = {},
): RayCluster {
  const { container, ...group } = worker;
  return {
    apiVersion: 'ray.io/v1',
    kind: 'RayCluster',
    metadata: { name: 'c1', namespace: 'team-a', uid: 'uid-1' },
    spec: {
      rayVersion,
      headGroupSpec: {
        rayStartParams: {},
        template: { spec: { containers: [{ name: 'ray-head', image: 'rayproject/ray:2.52.0' }] } },
      },
      workerGroupSpecs: [
        {
          groupName: 'gpu',
          replicas: 1,
          minReplicas: 0,
          maxReplicas: 2,
          template: {
            spec: {
              containers: [{ name: 'ray-worker', image: 'rayproject/ray:2.52.0', ...container }],
            },
          },
          ...group,
        },
      ],
    },
  };
}

describe('ray start generation', () => {
  it('takes num-gpus from limits only and rounds CPUs up', () => {
    const params: Record<string, string> = {};
    const command = generateRayStartCommand('worker', params, {
      requests: { cpu: '500m', 'nvidia.com/gpu': '2' },
      limits: { cpu: '1500m', memory: '8Gi', 'nvidia.com/gpu': '1' },
    });
    expect(params).toMatchObject({ 'num-cpus': '2', memory: '8589934592', 'num-gpus': '1' });
    expect(command).toBe('ray start  --memory=8589934592  --num-cpus=2  --num-gpus=1 ');
    const requestsOnly: Record<string, string> = {};
    generateRayStartCommand('worker', requestsOnly, {
      requests: { cpu: '500m', 'nvidia.com/gpu': '1', memory: '1Gi' },
    });
    expect(requestsOnly).toEqual({ 'num-cpus': '1' });
  });

  it('turns google.com/tpu limits into a TPU resource and group resources into flags', () => {
    const tpu = rayStartParamsOf(
      cluster('2.52.0', {
        container: { resources: { limits: { cpu: '8', 'google.com/tpu': '4' } } },
      }),
      'worker',
      cluster('2.52.0', {
        container: { resources: { limits: { cpu: '8', 'google.com/tpu': '4' } } },
      }).spec.workerGroupSpecs?.[0] as WorkerGroupSpec,
    );
    expect(tpu.params['resources']).toBe(`'{"TPU":4}'`);
    expect(rayResourcesOfParams(tpu.params)).toMatchObject({ CPU: 8, TPU: 4 });
    const grouped = cluster('2.52.0', {
      resources: { cpu: '3', 'nvidia.com/gpu': '1', custom: '2' },
    });
    const params = rayStartParamsOf(
      grouped,
      'worker',
      grouped.spec.workerGroupSpecs?.[0] as WorkerGroupSpec,
    ).params;
    expect(params).toMatchObject({ 'num-cpus': '3', 'num-gpus': '1', resources: `'{"custom":2}'` });
  });

  it('uses HTTP probes from Ray 2.53 and wget probes before', () => {
    const newer = buildRayPod({
      cluster: cluster('2.53.0'),
      nodeType: 'head',
      multiHostIndexing: true,
    });
    const older = buildRayPod({
      cluster: cluster('2.52.0'),
      nodeType: 'head',
      multiHostIndexing: true,
    });
    const probeOf = (pod: typeof newer) =>
      ((pod['spec'] as { containers: Container[] }).containers[0] as Container).readinessProbe;
    expect(probeOf(newer)).toMatchObject({
      httpGet: { path: '/api/healthz', port: 52365 },
      failureThreshold: 10,
    });
    expect(probeOf(older)).toMatchObject({
      exec: {
        command: [
          'bash',
          '-c',
          'wget --tries 1 -T 2 -q -O- http://localhost:52365/api/local_raylet_healthz | grep success && wget --tries 1 -T 10 -q -O- http://localhost:8265/api/gcs_healthz | grep success',
        ],
      },
    });
  });

  it('injects the environment KubeRay documents and an owner reference', () => {
    const pod = buildRayPod({
      cluster: cluster('2.52.0'),
      nodeType: 'head',
      multiHostIndexing: true,
    });
    const container = (pod['spec'] as { containers: Container[] }).containers[0] as Container;
    const names = (container.env ?? []).map((variable) => variable.name);
    expect(names).toEqual([
      'RAY_CLUSTER_NAME',
      'RAY_CLUSTER_NAMESPACE',
      'RAY_CLOUD_INSTANCE_ID',
      'RAY_NODE_TYPE_NAME',
      'KUBERAY_GEN_RAY_START_CMD',
      'RAY_PORT',
      'RAY_ADDRESS',
      'RAY_USAGE_STATS_KUBERAY_IN_USE',
      'RAY_USAGE_STATS_EXTRA_TAGS',
      'RAY_DASHBOARD_ENABLE_K8S_DISK_USAGE',
    ]);
    expect(container.env?.find((variable) => variable.name === 'RAY_ADDRESS')?.value).toBe(
      '127.0.0.1:6379',
    );
    expect(pod.metadata?.ownerReferences).toEqual([
      {
        apiVersion: 'ray.io/v1',
        kind: 'RayCluster',
        name: 'c1',
        uid: 'uid-1',
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(pod.metadata?.annotations).toEqual({ 'ray.io/ft-enabled': 'false' });
    expect((pod['spec'] as { volumes: unknown[] }).volumes).toEqual([
      { name: 'shared-mem', emptyDir: { medium: 'Memory' } },
    ]);
  });
});
