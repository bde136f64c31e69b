import { afterEach, describe, expect, it } from 'vitest';

import type { KubeObject } from '../../apiserver/resourceType.ts';
import { type ManualWorld, startManualWorld } from './startManualWorld.ts';

let world: ManualWorld | undefined;
afterEach(() => world?.stop());

function gpuPod(name: string, gpus: number, extra: Record<string, unknown> = {}): KubeObject {
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
      ...extra,
    },
  };
}

function podScheduled(pod: KubeObject) {
  return ((pod['status'] as { conditions?: Record<string, unknown>[] }).conditions ?? []).find(
    (condition) => condition['type'] === 'PodScheduled',
  );
}

describe('default-scheduler', () => {
  it('binds a pod, sets PodScheduled=True and records Scheduled', async () => {
    world = await startManualWorld();
    const pods = world.type('', 'pods');
    world.api.create(pods, 'team-a', gpuPod('one-gpu', 1));
    await world.settle();
    const pod = world.api.get(pods, 'team-a', 'one-gpu');
    // Only gpu-rtx4090-1 has untainted GPUs.
    expect((pod['spec'] as { nodeName?: string }).nodeName).toBe('gpu-rtx4090-1');
    expect(podScheduled(pod)).toMatchObject({ status: 'True', lastProbeTime: null });
    const scheduled = world.eventsFor(pod).find((event) => event['reason'] === 'Scheduled');
    expect(scheduled).toMatchObject({
      type: 'Normal',
      action: 'Binding',
      reportingController: 'default-scheduler',
      note: 'Successfully assigned team-a/one-gpu to gpu-rtx4090-1',
    });
  });

  it('leaves a GPU pod that fits nowhere Pending with the scheduler message, then binds it when a GPU frees up', async () => {
    world = await startManualWorld();
    const pods = world.type('', 'pods');
    const selector = { nodeSelector: { 'nvidia.com/gpu.present': 'true' } };
    world.api.create(pods, 'team-a', gpuPod('first', 1, selector));
    world.api.create(pods, 'team-a', gpuPod('second', 1, selector));
    await world.settle();
    world.api.create(pods, 'team-a', gpuPod('third', 1, selector));
    await world.settle();

    const message =
      "0/4 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) had untolerated taint(s), 2 node(s) didn't match Pod's node affinity/selector. " +
      'no new claims to deallocate, preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.';
    let third = world.api.get(pods, 'team-a', 'third');
    expect((third['spec'] as { nodeName?: string }).nodeName).toBeUndefined();
    expect((third['status'] as { phase: string }).phase).toBe('Pending');
    expect(podScheduled(third)).toMatchObject({
      status: 'False',
      reason: 'Unschedulable',
      message,
      lastTransitionTime: '2026-01-01T00:00:00Z',
    });
    const failed = world.eventsFor(third).filter((event) => event['reason'] === 'FailedScheduling');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      type: 'Warning',
      action: 'Scheduling',
      reportingController: 'default-scheduler',
      note: message,
    });

    // Nothing changes for a minute: no retries, no new events (the scheduler waits for events).
    await world.advance(60_000, 1_000);
    expect(
      world.eventsFor(third).filter((event) => event['reason'] === 'FailedScheduling'),
    ).toHaveLength(1);

    world.api.delete(pods, 'team-a', 'first');
    await world.advanceUntil(
      () =>
        Boolean(
          (world?.api.get(pods, 'team-a', 'third')['spec'] as { nodeName?: string }).nodeName,
        ),
      10_000,
    );
    third = world.api.get(pods, 'team-a', 'third');
    expect((third['spec'] as { nodeName?: string }).nodeName).toBe('gpu-rtx4090-1');
    expect(podScheduled(third)).toMatchObject({ status: 'True' });
    // The graceful deletion took 2 simulated seconds; the retry followed at once.
    expect(world.clock.now() - Date.parse('2026-01-01T00:01:00Z')).toBeLessThanOrEqual(3_000);
  });

  it('says why per node: taints, unschedulable nodes, requests above a node and pod count', async () => {
    world = await startManualWorld({
      worldYaml: `
nodePools:
  - { name: small, count: 2, cpu: 2, memory: 4Gi, pods: 1 }
  - name: tainted
    count: 1
    cpu: 8
    memory: 16Gi
    taints: [{ key: dedicated, value: batch, effect: NoSchedule }]
namespaces: [{ name: apps }]
`,
    });
    const pods = world.type('', 'pods');
    const nodes = world.type('', 'nodes');
    const cordoned = world.api.get(nodes, undefined, 'small-2');
    world.api.update(nodes, undefined, 'small-2', {
      ...cordoned,
      spec: { ...(cordoned['spec'] as object), unschedulable: true },
    });
    world.api.create(pods, 'apps', {
      metadata: { name: 'filler' },
      spec: { containers: [{ name: 'c', image: 'busybox:1.36' }], nodeName: 'small-1' },
    });
    world.api.create(pods, 'apps', {
      metadata: { name: 'big' },
      spec: {
        containers: [{ name: 'c', image: 'busybox:1.36', resources: { requests: { cpu: '4' } } }],
      },
    });
    await world.settle();
    const big = world.api.get(pods, 'apps', 'big');
    expect(podScheduled(big)?.['message']).toBe(
      '0/3 nodes are available: 1 Insufficient cpu, 1 Too many pods, 1 node(s) had untolerated taint(s), 1 node(s) were unschedulable. ' +
        'no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
  });

  it('honours tolerations, required node affinity operators and least-allocated spreading', async () => {
    world = await startManualWorld();
    const pods = world.type('', 'pods');
    world.api.create(
      pods,
      'team-a',
      gpuPod('a100', 2, {
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [
                    { key: 'nvidia.com/gpu.count', operator: 'Gt', values: ['2'] },
                    {
                      key: 'nvidia.com/gpu.product',
                      operator: 'In',
                      values: ['NVIDIA-A100-SXM4-80GB'],
                    },
                    { key: 'raydeck.dev/never', operator: 'DoesNotExist' },
                  ],
                },
              ],
            },
          },
        },
      }),
    );
    for (const name of ['cpu-a', 'cpu-b']) {
      world.api.create(pods, 'team-a', {
        metadata: { name },
        spec: {
          nodeSelector: { 'raydeck.dev/node-pool': 'cpu' },
          containers: [{ name: 'c', image: 'busybox:1.36', resources: { requests: { cpu: '8' } } }],
        },
      });
    }
    await world.settle();
    const nodeOf = (name: string) =>
      (world?.api.get(pods, 'team-a', name)['spec'] as { nodeName?: string }).nodeName;
    expect(nodeOf('a100')).toBe('gpu-a100-1');
    // The second 8-CPU pod goes to the emptier CPU node.
    expect(new Set([nodeOf('cpu-a'), nodeOf('cpu-b')])).toEqual(new Set(['cpu-1', 'cpu-2']));
  });

  it('schedules 400 pods over 100 nodes within capacity and reports the rest', async () => {
    world = await startManualWorld({
      worldYaml: `
nodePools:
  - { name: n, count: 100, cpu: 4, memory: 16Gi }
namespaces: [{ name: load }]
`,
    });
    const pods = world.type('', 'pods');
    for (let index = 0; index < 410; index++) {
      world.api.create(pods, 'load', {
        metadata: { name: `p-${index}` },
        spec: {
          containers: [{ name: 'c', image: 'busybox:1.36', resources: { requests: { cpu: '1' } } }],
        },
      });
    }
    await world.settle();
    const all = world.api.list(pods, { namespace: 'load' }).items;
    const perNode = new Map<string, number>();
    let pending = 0;
    for (const pod of all) {
      const node = (pod['spec'] as { nodeName?: string }).nodeName;
      if (!node) pending++;
      else perNode.set(node, (perNode.get(node) ?? 0) + 1);
    }
    expect(pending).toBe(10);
    expect(perNode.size).toBe(100);
    expect(Math.max(...perNode.values())).toBe(4);
  });
});
