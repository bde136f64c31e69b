import { afterEach, describe, expect, it } from 'vitest';

import type { KubeObject } from '../../apiserver/resourceType.ts';
import { StatusError } from '../../apiserver/statusError.ts';
import { formatQuotaAmount, podQuotaUsage } from './resourceQuota.ts';
import { type ManualWorld, startManualWorld } from './startManualWorld.ts';

let world: ManualWorld | undefined;
afterEach(() => world?.stop());

function gpuPod(name: string, gpus = 1): KubeObject {
  return {
    metadata: { name },
    spec: {
      containers: [
        {
          name: 'main',
          image: 'rayproject/ray:2.52.0',
          resources: { limits: { 'nvidia.com/gpu': String(gpus) } },
        },
      ],
    },
  };
}

function rejection(action: () => unknown): StatusError {
  try {
    action();
  } catch (error) {
    if (error instanceof StatusError) return error;
    throw error;
  }
  throw new Error('expected a StatusError');
}

describe('ResourceQuota admission and controller', () => {
  it('rejects the pod that would exceed team-b-quota with Kubernetes’ 403 message', async () => {
    world = await startManualWorld();
    const pods = world.type('', 'pods');
    world.api.create(pods, 'team-b', gpuPod('gpu-1'));
    world.api.create(pods, 'team-b', gpuPod('gpu-2'));
    const error = rejection(() => world?.api.create(pods, 'team-b', gpuPod('gpu-3')));
    expect(error.toBody()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'pods "gpu-3" is forbidden: exceeded quota: team-b-quota, requested: requests.nvidia.com/gpu=1, used: requests.nvidia.com/gpu=2, limited: requests.nvidia.com/gpu=2',
      reason: 'Forbidden',
      details: { name: 'gpu-3', group: '', kind: 'pods' },
      code: 403,
    });
    // A generated name appears in the message as generated.
    const generated = rejection(() =>
      world?.api.create(pods, 'team-b', { ...gpuPod(''), metadata: { generateName: 'worker-' } }),
    );
    expect(generated.message).toMatch(
      /^pods "worker-[a-z0-9]{5}" is forbidden: exceeded quota: team-b-quota/,
    );
    await world.settle();
    const quota = world.api.get(world.type('', 'resourcequotas'), 'team-b', 'team-b-quota');
    expect(quota['status']).toEqual({
      hard: { 'requests.nvidia.com/gpu': '2' },
      used: { 'requests.nvidia.com/gpu': '2' },
    });
  });

  it('never lets dry runs count, and frees usage when pods finish or go', async () => {
    world = await startManualWorld();
    const pods = world.type('', 'pods');
    world.api.create(pods, 'team-b', gpuPod('dry', 2), { dryRun: true });
    world.api.create(pods, 'team-b', gpuPod('dry-again', 2), { dryRun: true });
    world.api.create(pods, 'team-b', gpuPod('real', 2));
    expect(
      rejection(() => world?.api.create(pods, 'team-b', gpuPod('extra'), { dryRun: true })).code,
    ).toBe(403);
    await world.settle();
    const quotas = world.type('', 'resourcequotas');
    expect(
      (world.api.get(quotas, 'team-b', 'team-b-quota')['status'] as { used: unknown }).used,
    ).toEqual({
      'requests.nvidia.com/gpu': '2',
    });
    world.api.delete(pods, 'team-b', 'real');
    await world.advance(3_000);
    expect(
      (world.api.get(quotas, 'team-b', 'team-b-quota')['status'] as { used: unknown }).used,
    ).toEqual({
      'requests.nvidia.com/gpu': '0',
    });
    world.api.create(pods, 'team-b', gpuPod('now-fits', 2));
  });

  it('requires CPU and memory declarations when a quota limits them, and counts objects', async () => {
    world = await startManualWorld({
      worldYaml: `
nodePools: [{ name: n, count: 1, cpu: 8, memory: 32Gi }]
namespaces:
  - name: tight
    quota: { requests.cpu: "2", limits.memory: 4Gi, pods: "3", count/services: "1" }
`,
    });
    const pods = world.type('', 'pods');
    const missing = rejection(() =>
      world?.api.create(pods, 'tight', {
        metadata: { name: 'bare' },
        spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] },
      }),
    );
    expect(missing.message).toBe(
      'pods "bare" is forbidden: failed quota: tight-quota: must specify limits.memory,requests.cpu',
    );
    const sized = (name: string, cpu: string, memory = '1536Mi') => ({
      metadata: { name },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'busybox:1.36',
            resources: { requests: { cpu }, limits: { memory } },
          },
        ],
      },
    });
    world.api.create(pods, 'tight', sized('a', '1500m'));
    expect(rejection(() => world?.api.create(pods, 'tight', sized('b', '1'))).message).toBe(
      'pods "b" is forbidden: exceeded quota: tight-quota, requested: requests.cpu=1, used: requests.cpu=1500m, limited: requests.cpu=2',
    );
    expect(
      rejection(() => world?.api.create(pods, 'tight', sized('c', '100m', '3Gi'))).message,
    ).toBe(
      'pods "c" is forbidden: exceeded quota: tight-quota, requested: limits.memory=3Gi, used: limits.memory=1536Mi, limited: limits.memory=4Gi',
    );
    const services = world.type('', 'services');
    world.api.create(services, 'tight', {
      metadata: { name: 'one' },
      spec: { ports: [{ port: 80 }] },
    });
    expect(
      rejection(() =>
        world?.api.create(services, 'tight', {
          metadata: { name: 'two' },
          spec: { ports: [{ port: 80 }] },
        }),
      ).message,
    ).toBe(
      'services "two" is forbidden: exceeded quota: tight-quota, requested: count/services=1, used: count/services=1, limited: count/services=1',
    );
    await world.settle();
    expect(
      world.api.get(world.type('', 'resourcequotas'), 'tight', 'tight-quota')['status'],
    ).toEqual({
      hard: { 'requests.cpu': '2', 'limits.memory': '4Gi', pods: '3', 'count/services': '1' },
      used: {
        'requests.cpu': '1500m',
        'limits.memory': '1536Mi',
        pods: '1',
        'count/services': '1',
      },
    });
  });
});

describe('a quota created in a namespace that already has pods', () => {
  it('counts those pods at once', async () => {
    world = await startManualWorld();
    const pods = world.type('', 'pods');
    for (const name of ['a', 'b']) {
      world.api.create(pods, 'team-a', {
        metadata: { name },
        spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] },
      });
    }
    world.api.create(world.type('', 'resourcequotas'), 'team-a', {
      metadata: { name: 'pod-cap' },
      spec: { hard: { pods: '2' } },
    });
    expect(
      rejection(() =>
        world?.api.create(pods, 'team-a', {
          metadata: { name: 'c' },
          spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] },
        }),
      ).message,
    ).toBe(
      'pods "c" is forbidden: exceeded quota: pod-cap, requested: pods=1, used: pods=2, limited: pods=2',
    );
    await world.settle();
    expect(world.api.get(world.type('', 'resourcequotas'), 'team-a', 'pod-cap')['status']).toEqual({
      hard: { pods: '2' },
      used: { pods: '2' },
    });
  });
});

describe('podQuotaUsage', () => {
  it('counts requests defaulted from limits, init containers by their peak, and only count/pods when terminal', () => {
    const pod: KubeObject = {
      metadata: { name: 'p' },
      spec: {
        initContainers: [{ name: 'i', resources: { requests: { cpu: '3' } } }],
        containers: [
          { name: 'a', resources: { limits: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': '1' } } },
          { name: 'b', resources: { requests: { cpu: '500m' } } },
        ],
      },
      status: { phase: 'Running' },
    };
    expect(podQuotaUsage(pod)).toEqual({
      'count/pods': 1,
      pods: 1,
      cpu: 3000,
      'requests.cpu': 3000,
      'limits.cpu': 1000,
      memory: 1073741824,
      'requests.memory': 1073741824,
      'limits.memory': 1073741824,
      'requests.nvidia.com/gpu': 1,
    });
    expect(podQuotaUsage({ ...pod, status: { phase: 'Succeeded' } })).toEqual({ 'count/pods': 1 });
    expect(formatQuotaAmount('requests.memory', 3 * 1073741824)).toBe('3Gi');
    expect(formatQuotaAmount('cpu', 2500)).toBe('2500m');
  });
});
