import { afterEach, describe, expect, it, vi } from 'vitest';

import { type RunningSandbox, startSandbox } from './startSandbox.ts';

let sandbox: RunningSandbox | undefined;
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
  vi.useRealTimers();
});

describe('startSandbox at --speed 60', () => {
  it('writes metadata timestamps from the wall clock, never ahead of it', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-03-01T12:00:00Z') });
    sandbox = await startSandbox({ listen: '127.0.0.1:0', speed: 60 });
    // Ten wall seconds are ten simulated minutes.
    vi.setSystemTime(Date.parse('2026-03-01T12:00:10Z'));
    const response = await fetch(`${sandbox.url}/api/v1/namespaces/default/configmaps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ metadata: { name: 'probe' } }),
    });
    const created = (await response.json()) as { metadata: { creationTimestamp: string } };
    expect(created.metadata.creationTimestamp).toBe('2026-03-01T12:00:10Z');
    const nodes = (await (await fetch(`${sandbox.url}/api/v1/nodes`)).json()) as {
      items: { metadata: { creationTimestamp: string } }[];
    };
    for (const node of nodes.items) {
      expect(node.metadata.creationTimestamp).toBe('2026-03-01T12:00:00Z');
    }
  });
});
