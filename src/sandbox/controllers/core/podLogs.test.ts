import { afterEach, describe, expect, it } from 'vitest';

import type { KubeObject } from '../../apiserver/resourceType.ts';
import { StatusError } from '../../apiserver/statusError.ts';
import { type ManualWorld, startManualWorld } from './startManualWorld.ts';

let world: ManualWorld | undefined;
afterEach(() => world?.stop());

function rayPod(name: string, nodeType: 'head' | 'worker', command: string): KubeObject {
  return {
    metadata: { name, labels: { 'ray.io/node-type': nodeType, 'ray.io/cluster': 'demo' } },
    spec: {
      containers: [
        {
          name: 'ray-head',
          image: 'rayproject/ray:2.52.0',
          command: ['/bin/bash', '-lc', '--'],
          args: [command],
        },
        {
          name: 'autoscaler',
          image: 'rayproject/ray:2.52.0',
          command: ['ray', 'kuberay-autoscaler'],
        },
      ],
    },
  };
}

function badRequest(action: () => unknown): StatusError {
  try {
    action();
  } catch (error) {
    if (error instanceof StatusError) return error;
    throw error;
  }
  throw new Error('expected a StatusError');
}

describe('pods/log of simulated containers', () => {
  it('prints ray start output with the node IP and, on the head, the dashboard address', async () => {
    world = await startManualWorld();
    const pods = world.type('', 'pods');
    world.api.create(
      pods,
      'team-a',
      rayPod(
        'head',
        'head',
        'ulimit -n 65536; ray start --head --dashboard-host=0.0.0.0 --dashboard-port=8265 --block --num-cpus=1',
      ),
    );
    world.api.create(
      pods,
      'team-a',
      rayPod('worker', 'worker', 'ray start --address=head-svc:6379 --block'),
    );
    await world.settle();
    const head = () => world?.api.get(pods, 'team-a', 'head') as KubeObject;

    const waiting = badRequest(() => world?.logs(head(), 'ray-head'));
    expect(waiting.toBody()).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'container "ray-head" in pod "head" is waiting to start: ContainerCreating',
    });
    expect(badRequest(() => world?.logs(head())).message).toBe(
      'a container name must be specified for pod head, choose one of: [ray-head autoscaler]',
    );
    expect(badRequest(() => world?.logs(head(), 'nope')).message).toBe(
      'container nope is not valid for pod head',
    );

    await world.advance(10_000);
    const ip = (head()['status'] as { podIP: string }).podIP;
    const text = world.logs(head(), 'ray-head');
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^2026-01-01 00:00:05,400\tINFO usage_lib\.py:\d+ -- Usage stats collection is enabled/,
    );
    expect(text).toContain(`\tINFO scripts.py:913 -- Local node IP: ${ip}\n`);
    expect(text).toContain('\tSUCC scripts.py:971 -- Ray runtime started.\n');
    expect(text).toContain(`--   ${ip}:8265\n`);
    expect(text).toContain(`ray start --address='${ip}:6379'`);
    expect(lines.at(-1)).toContain(
      'Subprocesses exit with SIGTERM will be treated as graceful, thus NOT reported.',
    );
    expect(world.logs(head(), 'ray-head', 2).trimEnd().split('\n')).toEqual(lines.slice(-2));

    const worker = world.logs(world.api.get(pods, 'team-a', 'worker'), 'ray-head');
    expect(worker).toContain('Ray runtime started.');
    expect(worker).not.toContain('view the dashboard');
  });
});
