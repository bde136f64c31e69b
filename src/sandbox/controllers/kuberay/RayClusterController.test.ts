import { afterEach, describe, expect, it } from 'vitest';

import {
  type KubeRayTestWorld,
  startKubeRayTestWorld,
} from '../../../../test/support/startKubeRayTestWorld.ts';
import type { Pod, RayCluster, Service } from './RayCluster.ts';

function sampleCluster(name: string, overrides: Partial<RayCluster['spec']> = {}): RayCluster {
  return {
    apiVersion: 'ray.io/v1',
    kind: 'RayCluster',
    metadata: { name, namespace: 'default' },
    spec: {
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
                  limits: { cpu: '1', memory: '5Gi' },
                  requests: { cpu: '1', memory: '5Gi' },
                },
                ports: [
                  { containerPort: 6379, name: 'gcs-server' },
                  { containerPort: 8265, name: 'dashboard' },
                  { containerPort: 10001, name: 'client' },
                ],
              },
            ],
          },
        },
      },
      workerGroupSpecs: [
        {
          groupName: 'workergroup',
          replicas: 1,
          minReplicas: 1,
          maxReplicas: 5,
          rayStartParams: {},
          template: {
            spec: {
              containers: [
                {
                  name: 'ray-worker',
                  image: 'rayproject/ray:2.52.0',
                  resources: {
                    limits: { cpu: '1', memory: '1Gi' },
                    requests: { cpu: '1', memory: '1Gi' },
                  },
                },
              ],
            },
          },
        },
      ],
      ...overrides,
    },
  };
}

let world: KubeRayTestWorld;
afterEach(() => world.stop());

function podsOf(name: string): Pod[] {
  return world
    .list<Pod>('', 'pods', 'default')
    .filter((pod) => pod.metadata.labels?.['ray.io/cluster'] === name);
}

function clusterOf(name: string): RayCluster {
  const cluster = world.get<RayCluster>('ray.io', 'rayclusters', 'default', name);
  if (!cluster) throw new Error(`RayCluster ${name} is missing`);
  return cluster;
}

function clusterType() {
  const type = world.api.registry.lookup('ray.io', 'v1', 'rayclusters');
  if (!type) throw new Error('rayclusters are not served');
  return type;
}

function condition(cluster: RayCluster, type: string) {
  return cluster.status?.conditions?.find((candidate) => candidate.type === type);
}

async function runAll(name: string): Promise<void> {
  for (const pod of podsOf(name)) world.runPod(pod);
  await world.settle();
}

describe('RayCluster controller', () => {
  it('creates the headless head Service, the head and worker pods, and reports provisioning', async () => {
    world = startKubeRayTestWorld();
    world.apply(sampleCluster('raycluster-kuberay'));
    await world.settle();

    const service = world.get<Service>('', 'services', 'default', 'raycluster-kuberay-head-svc');
    expect(service?.spec.clusterIP).toBe('None');
    expect(service?.spec['publishNotReadyAddresses']).toBe(true);
    expect(service?.spec.ports?.map((port) => [port.name, port.port, port.appProtocol])).toEqual([
      ['client', 10001, 'tcp'],
      ['dashboard', 8265, 'tcp'],
      ['gcs-server', 6379, 'tcp'],
      ['metrics', 8080, 'tcp'],
    ]);
    expect(service?.spec.selector).toEqual({
      'ray.io/cluster': 'raycluster-kuberay',
      'ray.io/node-type': 'head',
      'ray.io/identifier': 'raycluster-kuberay-head',
      'app.kubernetes.io/name': 'kuberay',
      'app.kubernetes.io/created-by': 'kuberay-operator',
    });
    expect(service?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'RayCluster',
      controller: true,
    });

    const pods = podsOf('raycluster-kuberay');
    const head = pods.find((pod) => pod.metadata.labels?.['ray.io/node-type'] === 'head');
    const worker = pods.find((pod) => pod.metadata.labels?.['ray.io/node-type'] === 'worker');
    expect(head?.metadata.name).toMatch(/^raycluster-kuberay-head-[a-z0-9]{5}$/);
    expect(worker?.metadata.name).toMatch(/^raycluster-kuberay-workergroup-worker-[a-z0-9]{5}$/);
    expect(head?.metadata.labels).toMatchObject({
      'ray.io/group': 'headgroup',
      'ray.io/is-ray-node': 'yes',
      'ray.io/identifier': 'raycluster-kuberay-head',
    });
    expect(worker?.metadata.labels?.['ray.io/worker-group-replica-index']).toBe('0');
    expect(head?.spec.containers[0]?.command).toEqual(['/bin/bash', '-c', '--']);
    expect(head?.spec.containers[0]?.args?.[0]).toBe(
      'ulimit -n ${RAY_START_ULIMIT_OPEN_FILES:-65536}; ray start --head  --block  --dashboard-agent-listen-port=52365  --dashboard-host=0.0.0.0  --memory=5368709120  --metrics-export-port=8080  --num-cpus=1 ',
    );
    expect(worker?.spec.initContainers?.[0]?.name).toBe('wait-gcs-ready');
    expect(worker?.spec.containers[0]?.env).toEqual(
      expect.arrayContaining([
        { name: 'FQ_RAY_IP', value: 'raycluster-kuberay-head-svc.default.svc.cluster.local' },
        {
          name: 'RAY_ADDRESS',
          value: 'raycluster-kuberay-head-svc.default.svc.cluster.local:6379',
        },
      ]),
    );

    const reasons = world.eventsFor('raycluster-kuberay').map((event) => event.reason);
    expect(reasons).toEqual(
      expect.arrayContaining(['CreatedService', 'CreatedHeadPod', 'CreatedWorkerPod']),
    );

    const cluster = clusterOf('raycluster-kuberay');
    expect(condition(cluster, 'HeadPodReady')).toMatchObject({
      status: 'False',
      reason: 'Unknown',
    });
    expect(condition(cluster, 'RayClusterProvisioned')).toMatchObject({
      status: 'False',
      reason: 'RayClusterPodsProvisioning',
    });
    expect(cluster.status).toMatchObject({
      desiredWorkerReplicas: 1,
      minWorkerReplicas: 1,
      maxWorkerReplicas: 5,
      desiredCPU: '2',
      desiredMemory: '6Gi',
      desiredGPU: '0',
      desiredTPU: '0',
      endpoints: { client: '10001', dashboard: '8265', 'gcs-server': '6379', metrics: '8080' },
    });
    expect(cluster.status?.state ?? '').toBe('');
  });

  it('turns ready once every pod is Running and Ready, keeps the sticky state, and starts a Ray head', async () => {
    world = startKubeRayTestWorld();
    world.apply(sampleCluster('ready-one'));
    await world.settle();
    const head = podsOf('ready-one').find(
      (pod) => pod.metadata.labels?.['ray.io/node-type'] === 'head',
    ) as Pod;
    world.runPod(head, { ready: false });
    await world.settle();
    expect(condition(clusterOf('ready-one'), 'HeadPodReady')).toMatchObject({ status: 'False' });
    await runAll('ready-one');

    const cluster = clusterOf('ready-one');
    expect(cluster.status?.state).toBe('ready');
    expect(cluster.status?.stateTransitionTimes?.['ready']).toBeDefined();
    expect(condition(cluster, 'HeadPodReady')).toMatchObject({
      status: 'True',
      reason: 'HeadPodRunningAndReady',
    });
    expect(condition(cluster, 'RayClusterProvisioned')).toMatchObject({
      status: 'True',
      reason: 'AllPodRunningAndReadyFirstTime',
    });
    expect(cluster.status?.readyWorkerReplicas).toBe(1);
    const headPod = podsOf('ready-one').find(
      (pod) => pod.metadata.labels?.['ray.io/node-type'] === 'head',
    ) as Pod;
    expect(cluster.status?.head).toEqual({
      podIP: headPod.status?.podIP,
      podName: headPod.metadata.name,
      serviceIP: headPod.status?.podIP,
      serviceName: 'ready-one-head-svc',
    });
    expect(world.operator.runtime.heads.get('default/ready-one')).toBeDefined();

    const worker = podsOf('ready-one').find(
      (pod) => pod.metadata.labels?.['ray.io/node-type'] === 'worker',
    ) as Pod;
    world.runPod(worker, { ready: false });
    await world.settle();
    const after = clusterOf('ready-one');
    expect(after.status?.state).toBe('ready');
    expect(after.status?.readyWorkerReplicas).toBe(0);
    expect(condition(after, 'RayClusterProvisioned')?.status).toBe('True');
  });

  it('scales within min and max, honours workersToDelete, and suspends and resumes', async () => {
    world = startKubeRayTestWorld();
    world.apply(sampleCluster('scaler'));
    await world.settle();
    await runAll('scaler');

    const scale = async (patch: Record<string, unknown>): Promise<void> => {
      const cluster = clusterOf('scaler');
      const groups = cluster.spec.workerGroupSpecs ?? [];
      world.api.update(clusterType(), 'default', 'scaler', {
        ...cluster,
        spec: { ...cluster.spec, workerGroupSpecs: [{ ...groups[0], ...patch }] },
      });
      await world.settle();
    };
    await scale({ replicas: 9 });
    const workers = () =>
      podsOf('scaler').filter((pod) => pod.metadata.labels?.['ray.io/node-type'] === 'worker');
    expect(workers()).toHaveLength(5);
    expect(
      workers()
        .map((pod) => pod.metadata.labels?.['ray.io/worker-group-replica-index'])
        .sort(),
    ).toEqual(['0', '1', '2', '3', '4']);
    expect(clusterOf('scaler').status?.desiredWorkerReplicas).toBe(5);

    const victim = workers()[2]?.metadata.name ?? '';
    await scale({ replicas: 4, scaleStrategy: { workersToDelete: [victim] } });
    expect(workers().map((pod) => pod.metadata.name)).not.toContain(victim);
    expect(workers()).toHaveLength(4);
    expect(
      world.eventsFor('scaler').some((event) => event.note === `Deleted pod default/${victim}`),
    ).toBe(true);

    await scale({ replicas: 0, scaleStrategy: {} });
    expect(workers()).toHaveLength(1);

    const cluster = clusterOf('scaler');
    world.api.update(clusterType(), 'default', 'scaler', {
      ...cluster,
      spec: { ...cluster.spec, suspend: true },
    });
    await world.advance(5000);
    expect(podsOf('scaler')).toHaveLength(0);
    const suspended = clusterOf('scaler');
    expect(suspended.status?.state).toBe('suspended');
    expect(condition(suspended, 'RayClusterSuspended')?.status).toBe('True');
    expect(condition(suspended, 'RayClusterSuspending')?.status).toBe('False');
    expect(condition(suspended, 'RayClusterProvisioned')).toMatchObject({
      status: 'False',
      message: 'RayCluster has been suspended',
    });
    expect(world.operator.runtime.heads.get('default/scaler')).toBeUndefined();

    world.api.update(clusterType(), 'default', 'scaler', {
      ...suspended,
      spec: { ...suspended.spec, suspend: false },
    });
    await world.advance(5000);
    expect(condition(clusterOf('scaler'), 'RayClusterSuspended')?.status).toBe('False');
    expect(podsOf('scaler')).toHaveLength(2);
  });

  it('creates multi-host replicas whole, with the headless worker Service', async () => {
    world = startKubeRayTestWorld();
    const base = sampleCluster('multi');
    const group = base.spec.workerGroupSpecs?.[0];
    if (group) Object.assign(group, { groupName: 'tpu', replicas: 2, numOfHosts: 2 });
    world.apply(base);
    await world.settle();
    const workers = podsOf('multi').filter(
      (pod) => pod.metadata.labels?.['ray.io/node-type'] === 'worker',
    );
    expect(workers).toHaveLength(4);
    const replicas = new Map<string, string[]>();
    for (const pod of workers) {
      const name = pod.metadata.labels?.['ray.io/worker-group-replica-name'] ?? '';
      replicas.set(name, [
        ...(replicas.get(name) ?? []),
        pod.metadata.labels?.['ray.io/replica-host-index'] ?? '',
      ]);
    }
    expect([...replicas.keys()].every((name) => /^tpu-[a-z0-9]{5}$/.test(name))).toBe(true);
    expect([...replicas.values()].map((hosts) => hosts.sort())).toEqual([
      ['0', '1'],
      ['0', '1'],
    ]);
    expect(world.get<Service>('', 'services', 'default', 'multi-headless')?.spec.selector).toEqual({
      'ray.io/cluster': 'multi',
      'ray.io/node-type': 'worker',
    });
    expect(clusterOf('multi').status?.desiredWorkerReplicas).toBe(4);
  });

  it('stops the Ray head when its pod goes and starts a new one for the next head pod', async () => {
    world = startKubeRayTestWorld();
    world.apply(sampleCluster('phoenix'));
    await world.settle();
    await runAll('phoenix');
    const first = world.operator.runtime.heads.get('default/phoenix');
    expect(first).toBeDefined();
    const head = podsOf('phoenix').find(
      (pod) => pod.metadata.labels?.['ray.io/node-type'] === 'head',
    ) as Pod;
    world.api.delete(
      world.api.registry.lookup('', 'v1', 'pods') as ReturnType<typeof clusterType>,
      'default',
      head.metadata.name ?? '',
    );
    await world.settle();
    expect(world.operator.runtime.heads.get('default/phoenix')).toBeUndefined();
    const replacement = podsOf('phoenix').find(
      (pod) => pod.metadata.labels?.['ray.io/node-type'] === 'head',
    );
    expect(replacement?.metadata.name).not.toBe(head.metadata.name);
    await runAll('phoenix');
    const second = world.operator.runtime.heads.get('default/phoenix');
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
  });

  it('only records an InvalidRayClusterSpec event for a spec KubeRay rejects', async () => {
    world = startKubeRayTestWorld();
    world.apply(
      sampleCluster('invalid-one', {
        workerGroupSpecs: [
          {
            ...(sampleCluster('x').spec.workerGroupSpecs?.[0] as NonNullable<
              RayCluster['spec']['workerGroupSpecs']
            >[number]),
            minReplicas: 3,
            maxReplicas: 2,
          },
        ],
      }),
    );
    await world.settle();
    expect(podsOf('invalid-one')).toHaveLength(0);
    expect(world.get('', 'services', 'default', 'invalid-one-head-svc')).toBeUndefined();
    expect(clusterOf('invalid-one').status).toBeUndefined();
    expect(world.eventsFor('invalid-one')).toContainEqual(
      expect.objectContaining({
        type: 'Warning',
        reason: 'InvalidRayClusterSpec',
        note: 'The RayCluster spec is invalid default/invalid-one: worker group workergroup has minReplicas 3 greater than maxReplicas 2',
      }),
    );
  });

  it('builds NodePort head Services, the serve Service, the Ingress and autoscaler RBAC on request', async () => {
    world = startKubeRayTestWorld();
    const cluster = sampleCluster('extras', { enableInTreeAutoscaling: true });
    cluster.metadata.annotations = { 'ray.io/enable-serve-service': 'true' };
    cluster.spec.headGroupSpec.serviceType = 'NodePort';
    cluster.spec.headGroupSpec.enableIngress = true;
    const headContainer = cluster.spec.headGroupSpec.template.spec.containers[0];
    headContainer?.ports?.push({ containerPort: 8000, name: 'serve' });
    world.apply(cluster);
    await world.settle();
    const head = world.get<Service>('', 'services', 'default', 'extras-head-svc');
    expect(head?.spec.type).toBe('NodePort');
    expect(head?.spec.clusterIP).not.toBe('None');
    const serve = world.get<Service>('', 'services', 'default', 'extras-serve-svc');
    expect(serve?.spec.selector).toEqual({ 'ray.io/cluster': 'extras' });
    expect(serve?.spec.ports?.map((port) => port.name)).toEqual(['serve']);
    expect(
      world.get('networking.k8s.io', 'ingresses', 'default', 'extras-head-ingress'),
    ).toBeDefined();
    expect(world.get('', 'serviceaccounts', 'default', 'extras')).toBeDefined();
    expect(world.get('rbac.authorization.k8s.io', 'roles', 'default', 'extras')).toBeDefined();
    expect(
      world.get('rbac.authorization.k8s.io', 'rolebindings', 'default', 'extras'),
    ).toBeDefined();
    const headPod = podsOf('extras').find(
      (pod) => pod.metadata.labels?.['ray.io/node-type'] === 'head',
    );
    expect(headPod?.spec.containers.map((container) => container.name)).toEqual([
      'ray-head',
      'autoscaler',
    ]);
    expect(headPod?.spec.containers[0]?.args?.[0]).toContain('--no-monitor');
    const status = clusterOf('extras').status;
    expect(Number(status?.endpoints?.['dashboard'])).toBeGreaterThanOrEqual(30000);
  });
});
