import { afterEach, describe, expect, it } from 'vitest';

import {
  type KubeRayTestWorld,
  startKubeRayTestWorld,
} from '../../../../test/support/startKubeRayTestWorld.ts';
import type { Pod, RayCluster, RayClusterSpec, Service } from './RayCluster.ts';
import type { RayService } from './RayService.ts';

const serveConfigV2 = `applications:
  - name: fruit_app
    import_path: fruit.deployment_graph
    route_prefix: /fruit
    deployments:
      - name: MangoStand
        num_replicas: 1
        ray_actor_options:
          num_cpus: 0.1
`;

function clusterConfig(workerCpu: string): RayClusterSpec {
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
                limits: { cpu: '2', memory: '4Gi' },
                requests: { cpu: '2', memory: '4Gi' },
              },
            },
          ],
        },
      },
    },
    workerGroupSpecs: [
      {
        groupName: 'small-group',
        replicas: 1,
        minReplicas: 1,
        maxReplicas: 3,
        rayStartParams: {},
        template: {
          spec: {
            containers: [
              {
                name: 'ray-worker',
                image: 'rayproject/ray:2.52.0',
                resources: {
                  limits: { cpu: workerCpu, memory: '2Gi' },
                  requests: { cpu: workerCpu, memory: '2Gi' },
                },
              },
            ],
          },
        },
      },
    ],
  };
}

let world: KubeRayTestWorld;
afterEach(() => world.stop());

function serviceOf(name: string): RayService | undefined {
  return world.get<RayService>('ray.io', 'rayservices', 'default', name);
}

function readyCondition(name: string) {
  return serviceOf(name)?.status?.conditions?.find((condition) => condition.type === 'Ready');
}

/** Plays scheduler, kubelet and the endpoints controller for the serve Service. */
function runWorld(): void {
  for (const pod of world.list<Pod>('', 'pods', 'default')) {
    if (pod.metadata.labels?.['ray.io/cluster'] && pod.status?.phase === 'Pending')
      world.runPod(pod);
  }
  const serve = world.get<Service>('', 'services', 'default', 'svc-serve-svc');
  if (!serve) return;
  const selector = serve.spec.selector ?? {};
  const ready = world
    .list<Pod>('', 'pods', 'default')
    .filter((pod) =>
      Object.entries(selector).every(([key, value]) => pod.metadata.labels?.[key] === value),
    )
    .filter((pod) =>
      pod.status?.conditions?.some(
        (condition) => condition.type === 'Ready' && condition.status === 'True',
      ),
    );
  const endpointsType = world.api.registry.lookup('', 'v1', 'endpoints');
  if (!endpointsType) return;
  const body = {
    metadata: { name: 'svc-serve-svc', namespace: 'default' },
    subsets: ready.length
      ? [
          {
            addresses: ready.map((pod) => ({
              ip: pod.status?.podIP,
              targetRef: { kind: 'Pod', name: pod.metadata.name },
            })),
          },
        ]
      : [],
  };
  const existing = world.api.find(endpointsType, 'default', 'svc-serve-svc');
  if (existing)
    world.api.update(endpointsType, 'default', 'svc-serve-svc', {
      ...body,
      metadata: { ...body.metadata, resourceVersion: existing.metadata?.resourceVersion },
    });
  else world.api.create(endpointsType, 'default', body);
}

async function runUntil(done: () => boolean, limitMs = 180_000): Promise<void> {
  for (let elapsed = 0; elapsed < limitMs && !done(); elapsed += 1000) {
    runWorld();
    await world.advance(1000);
  }
}

describe('RayService controller', () => {
  it('brings a RayService to Ready, then upgrades to a new cluster without downtime', async () => {
    world = startKubeRayTestWorld();
    world.apply({
      apiVersion: 'ray.io/v1',
      kind: 'RayService',
      metadata: { name: 'svc', namespace: 'default' },
      spec: {
        serveConfigV2,
        rayClusterDeletionDelaySeconds: 20,
        rayClusterConfig: clusterConfig('1'),
      },
    });
    await world.advance(4000);
    const initializing = serviceOf('svc');
    expect(initializing?.metadata.finalizers).toEqual(['ray.io/rayservice-finalizer']);
    expect(readyCondition('svc')).toMatchObject({ status: 'False', reason: 'Initializing' });
    const firstCluster = initializing?.status?.pendingServiceStatus?.rayClusterName ?? '';
    expect(firstCluster).toMatch(/^svc-[a-z0-9]{5}$/);

    await runUntil(() => readyCondition('svc')?.status === 'True');
    const ready = serviceOf('svc')?.status;
    expect(readyCondition('svc')?.reason).toBe('NonZeroServeEndpoints');
    expect(ready?.serviceStatus).toBe('Running');
    expect(ready?.activeServiceStatus?.rayClusterName).toBe(firstCluster);
    expect(ready?.pendingServiceStatus?.rayClusterName ?? '').toBe('');
    expect(ready?.activeServiceStatus?.applicationStatuses?.['fruit_app']).toMatchObject({
      status: 'RUNNING',
      serveDeploymentStatuses: { MangoStand: { status: 'HEALTHY' } },
    });
    expect(ready?.numServeEndpoints).toBeGreaterThan(0);
    expect(
      ready?.conditions?.find((condition) => condition.type === 'UpgradeInProgress'),
    ).toMatchObject({
      status: 'False',
      reason: 'NoPendingCluster',
    });
    const serveService = world.get<Service>('', 'services', 'default', 'svc-serve-svc');
    expect(serveService?.spec.selector).toEqual({
      'ray.io/cluster': firstCluster,
      'ray.io/serve': 'true',
    });
    expect(
      world.get<Service>('', 'services', 'default', 'svc-head-svc')?.spec.selector?.[
        'ray.io/cluster'
      ],
    ).toBe(firstCluster);

    const current = serviceOf('svc') as RayService;
    world.api.update(
      world.api.registry.lookup('ray.io', 'v1', 'rayservices') as NonNullable<
        ReturnType<typeof world.api.registry.lookup>
      >,
      'default',
      'svc',
      { ...current, spec: { ...current.spec, rayClusterConfig: clusterConfig('2') } },
    );
    await world.advance(3000);
    const upgrading = serviceOf('svc')?.status;
    const secondCluster = upgrading?.pendingServiceStatus?.rayClusterName ?? '';
    expect(secondCluster).toMatch(/^svc-[a-z0-9]{5}$/);
    expect(secondCluster).not.toBe(firstCluster);
    expect(
      upgrading?.conditions?.find((condition) => condition.type === 'UpgradeInProgress'),
    ).toMatchObject({
      status: 'True',
      reason: 'BothActivePendingClustersExist',
    });

    await runUntil(
      () => serviceOf('svc')?.status?.activeServiceStatus?.rayClusterName === secondCluster,
    );
    expect(
      world.get<Service>('', 'services', 'default', 'svc-serve-svc')?.spec.selector?.[
        'ray.io/cluster'
      ],
    ).toBe(secondCluster);
    expect(world.get<RayCluster>('ray.io', 'rayclusters', 'default', firstCluster)).toBeDefined();
    await runUntil(
      () => world.get('ray.io', 'rayclusters', 'default', firstCluster) === undefined,
      30_000,
    );
    expect(world.get('ray.io', 'rayclusters', 'default', firstCluster)).toBeUndefined();
    expect(readyCondition('svc')?.status).toBe('True');
  });
});
