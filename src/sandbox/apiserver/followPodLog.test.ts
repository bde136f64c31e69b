import { afterEach, describe, expect, it } from 'vitest';

import { exitContainer } from '../controllers/core/kubelet.ts';
import { type ManualWorld, startManualWorld } from '../controllers/core/startManualWorld.ts';
import type { KubeObject } from './resourceType.ts';

let world: ManualWorld | undefined;
afterEach(async () => {
  world?.stop();
  await world?.apiServer.close();
  world = undefined;
});

const headPod: KubeObject = {
  metadata: { name: 'head', labels: { 'ray.io/node-type': 'head', 'ray.io/cluster': 'demo' } },
  spec: {
    containers: [
      {
        name: 'ray-head',
        image: 'rayproject/ray:2.52.0',
        command: ['/bin/bash', '-lc', '--'],
        args: ['ray start --head --dashboard-port=8265 --block'],
      },
    ],
  },
};

/** Reads a text stream chunk by chunk; `next()` waits for more or for the end. */
function chunkReader(response: Response) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  let ended = false;
  return {
    text: () => text,
    ended: () => ended,
    /** Reads until `predicate(text)` holds or the stream ends. */
    until: async (predicate: (text: string) => boolean) => {
      while (!predicate(text) && !ended) {
        const { value, done } = await reader.read();
        if (done) ended = true;
        else text += decoder.decode(value, { stream: true });
      }
      return text;
    },
  };
}

describe('pods/log?follow=true', () => {
  it('keeps the stream open, sends lines as the simulated container writes them, ends when it exits', async () => {
    world = await startManualWorld();
    const url = await world.apiServer.listen('127.0.0.1', 0);
    world.api.create(world.type('', 'pods'), 'team-a', headPod);
    // Pull (4 s) and start (1 s), then half a second of Ray's output.
    await world.advance(5_500, 100);
    const logPath = `${url}/api/v1/namespaces/team-a/pods/head/log`;
    const once = await (await fetch(logPath)).text();
    expect(once).toContain('Local node IP:');
    expect(once).not.toContain('Ray runtime started.');

    const response = await fetch(`${logPath}?follow=true`);
    expect(response.status).toBe(200);
    const stream = chunkReader(response);
    await stream.until((text) => text.includes('Local node IP:'));
    expect(stream.text()).toBe(once);

    await world.advance(3_000, 100);
    await stream.until((text) => text.includes('Ray runtime started.'));
    expect(stream.ended()).toBe(false);
    const current = await (await fetch(logPath)).text();
    await stream.until((text) => text === current);
    expect(stream.text()).toBe(current);

    exitContainer(world.api, {
      namespace: 'team-a',
      pod: 'head',
      container: 'ray-head',
      exitCode: 1,
    });
    await world.settle();
    await stream.until(() => false);
    expect(stream.ended()).toBe(true);
  });

  it('answers a finished container at once and honours tailLines for the first part', async () => {
    world = await startManualWorld();
    const url = await world.apiServer.listen('127.0.0.1', 0);
    world.api.create(world.type('', 'pods'), 'team-a', {
      ...headPod,
      spec: { ...(headPod['spec'] as object), restartPolicy: 'Never' },
    });
    await world.advance(9_000, 100);
    exitContainer(world.api, {
      namespace: 'team-a',
      pod: 'head',
      container: 'ray-head',
      exitCode: 0,
    });
    await world.settle();
    const logPath = `${url}/api/v1/namespaces/team-a/pods/head/log`;
    const whole = await (await fetch(logPath)).text();
    const followed = await (await fetch(`${logPath}?follow=True`)).text();
    expect(followed).toBe(whole);
    const tail = await (await fetch(`${logPath}?follow=true&tailLines=1`)).text();
    expect(tail).toBe(`${whole.trimEnd().split('\n').at(-1) ?? ''}\n`);
  });
});
