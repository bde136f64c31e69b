import { describe, expect, it } from 'vitest';

import {
  rayServiceClusters,
  rayServiceState,
  rayServiceTimeline,
  summarizeRayService,
} from './describeRayService.ts';
import type { RayClusterResource, RayServiceResource } from './rayTypes.ts';
import { serveHelloServeConfig } from './serveHelloSample.ts';

const spec: RayServiceResource['spec'] = {
  serveConfigV2: serveHelloServeConfig,
  rayClusterConfig: {
    headGroupSpec: { template: { spec: { containers: [{ name: 'ray-head' }] } } },
    workerGroupSpecs: [
      {
        groupName: 'workers',
        replicas: 2,
        template: {
          spec: {
            containers: [{ name: 'ray-worker', resources: { limits: { 'nvidia.com/gpu': '1' } } }],
          },
        },
      },
    ],
  },
};

function service(status: RayServiceResource['status']): RayServiceResource {
  return {
    metadata: { name: 'svc', namespace: 'team-a', uid: 'u1' },
    spec,
    ...(status ? { status } : {}),
  };
}

const running = {
  hello: { status: 'RUNNING', serveDeploymentStatuses: { Hello: { status: 'HEALTHY' } } },
};

function cluster(name: string, readyWorkers: number): RayClusterResource {
  return {
    metadata: { name, namespace: 'team-a', uid: name },
    spec: spec.rayClusterConfig,
    status: {
      readyWorkerReplicas: readyWorkers,
      conditions: [{ type: 'HeadPodReady', status: 'True' }],
    },
  };
}

describe('describeRayService', () => {
  it('reads KubeRay conditions into one state', () => {
    expect(rayServiceState(service(undefined))).toBe('Initializing');
    expect(
      rayServiceState(
        service({
          conditions: [{ type: 'Ready', status: 'True', reason: 'NonZeroServeEndpoints' }],
          activeServiceStatus: { rayClusterName: 'svc-a', applicationStatuses: running },
        }),
      ),
    ).toBe('Ready');
    expect(
      rayServiceState(
        service({
          conditions: [
            { type: 'Ready', status: 'True', reason: 'NonZeroServeEndpoints' },
            { type: 'UpgradeInProgress', status: 'True', reason: 'BothActivePendingClustersExist' },
          ],
        }),
      ),
    ).toBe('Upgrading');
    expect(
      rayServiceState(
        service({
          conditions: [{ type: 'Ready', status: 'False', reason: 'InitializingTimeout' }],
        }),
      ),
    ).toBe('Failed');
    expect(
      rayServiceState(
        service({
          conditions: [{ type: 'Ready', status: 'True', reason: 'NonZeroServeEndpoints' }],
          activeServiceStatus: {
            applicationStatuses: { hello: { status: 'DEPLOY_FAILED', message: 'boom' } },
          },
        }),
      ),
    ).toBe('Unhealthy');
  });

  it('counts GPUs, apps and clusters in the summary', () => {
    const summary = summarizeRayService(
      service({
        activeServiceStatus: { rayClusterName: 'svc-a', applicationStatuses: running },
        pendingServiceStatus: { rayClusterName: 'svc-b' },
      }),
    );
    expect(summary).toMatchObject({
      gpus: 2,
      applications: { running: 1, total: 1 },
      activeCluster: 'svc-a',
      pendingCluster: 'svc-b',
      upgradeStrategy: 'NewCluster',
    });
  });

  it('explains an upgrade in plain language while traffic stays on the old cluster', () => {
    const upgrading = service({
      conditions: [{ type: 'UpgradeInProgress', status: 'True' }],
      activeServiceStatus: { rayClusterName: 'svc-a', applicationStatuses: running },
      pendingServiceStatus: { rayClusterName: 'svc-b', applicationStatuses: {} },
    });
    const clusters = rayServiceClusters(upgrading, (name) =>
      name === 'svc-a' ? cluster('svc-a', 2) : cluster('svc-b', 1),
    );
    expect(clusters.map((entry) => [entry.role, entry.name, entry.workers])).toEqual([
      ['active', 'svc-a', { ready: 2, desired: 2 }],
      ['pending', 'svc-b', { ready: 1, desired: 2 }],
    ]);
    expect(clusters[0]?.applications[0]).toMatchObject({
      name: 'hello',
      routePrefix: '/hello',
      importPath: 'serve_hello:app_builder',
    });
    const [first] = rayServiceTimeline(upgrading, clusters, []);
    expect(first?.text).toBe(
      'New cluster svc-b starting: 1 of 2 workers ready, Serve apps not deployed yet; traffic still on the old cluster svc-a.',
    );
  });
});
