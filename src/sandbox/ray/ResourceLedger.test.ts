import { describe, expect, it } from 'vitest';

import type { RayNodeDescription } from './rayNodes.ts';
import { ResourceLedger } from './ResourceLedger.ts';

const head: RayNodeDescription = {
  name: 'head',
  ip: '10.0.0.1',
  isHead: true,
  cpus: 2,
  memoryBytes: 1000,
  gpus: 0,
  alive: true,
};
const cpu: RayNodeDescription = {
  name: 'cpu',
  ip: '10.0.0.2',
  isHead: false,
  cpus: 4,
  memoryBytes: 1000,
  gpus: 0,
  alive: true,
};
const gpu: RayNodeDescription = {
  name: 'gpu',
  ip: '10.0.0.3',
  isHead: false,
  cpus: 4,
  memoryBytes: 1000,
  gpus: 1,
  alive: true,
};

function ledger(nodes: RayNodeDescription[] = [gpu, cpu, head]): ResourceLedger {
  const created = new ResourceLedger('c');
  created.setNodes(nodes, 0);
  return created;
}

describe('ResourceLedger', () => {
  it('tries the head first, keeps CPU-only demand off GPU nodes and sends GPU demand to them', () => {
    const ledgered = ledger();
    expect(ledgered.place('a', { CPU: 2 })?.description.name).toBe('head');
    expect(ledgered.place('b', { CPU: 1 })?.description.name).toBe('cpu');
    expect(ledgered.place('c', { GPU: 1 })?.description.name).toBe('gpu');
    expect(ledgered.place('d', { GPU: 1 })).toBeUndefined();
    expect(ledgered.place('e', { CPU: 4 })?.description.name).toBe('gpu');
  });

  it('pins resource-free demand to the head and fails it without one', () => {
    expect(ledger().place('driver', {}, { pinToHead: true })?.description.name).toBe('head');
    expect(ledger([cpu]).place('driver', {}, { pinToHead: true })).toBeUndefined();
  });

  it('counts in Ray’s fixed point: three 0.1 CPU bundles fit in 0.3', () => {
    const small = ledger([{ ...head, cpus: 0.3 }]);
    for (const owner of ['a', 'b', 'c']) expect(small.place(owner, { CPU: 0.1 })).toBeDefined();
    expect(small.place('d', { CPU: 0.1 })).toBeUndefined();
  });

  it('frees on release and tracks since when a node is idle', () => {
    const ledgered = ledger([head]);
    const node = ledgered.place('a', { CPU: 2 });
    expect(node?.idleSinceMs).toBeUndefined();
    expect(ledgered.place('b', { CPU: 1 })).toBeUndefined();
    ledgered.release('a', 500);
    expect(ledgered.head()?.idleSinceMs).toBe(500);
    const [only] = ledgered.aliveNodes();
    if (!only) throw new Error('the head is gone');
    expect(ledgered.used(only).CPU).toBe(0);
    expect(ledgered.place('b', { CPU: 1 })).toBeDefined();
  });

  it('refuses to place an owner twice', () => {
    const ledgered = ledger();
    ledgered.place('a', { CPU: 1 });
    expect(() => ledgered.place('a', { CPU: 1 })).toThrow('a already holds resources');
  });

  it('reports owners on nodes that leave or stop being alive, and gives a returning pod a new id', () => {
    const ledgered = ledger([head, gpu]);
    ledgered.place('job', { GPU: 1 });
    const firstId = ledgered.aliveNodes()[1]?.nodeId;
    expect(ledgered.setNodes([head, { ...gpu, alive: false }], 10)).toEqual(['job']);
    expect(ledgered.deadNodes().map((node) => [node.description.name, node.endTimeMs])).toEqual([
      ['gpu', 10],
    ]);
    ledgered.setNodes([head, gpu], 20);
    const secondId = ledgered.aliveNodes()[1]?.nodeId;
    expect(secondId).toMatch(/^[0-9a-f]{56}$/);
    expect(secondId).not.toBe(firstId);
    expect(ledgered.place('job', { GPU: 1 })).toBeDefined();
  });

  it('checks whether bundles fit together without placing them', () => {
    const ledgered = ledger([head, cpu]);
    expect(ledgered.canPlaceAll([{ CPU: 2 }, { CPU: 4 }])).toBe(true);
    expect(ledgered.canPlaceAll([{ CPU: 4 }, { CPU: 4 }])).toBe(false);
    expect(ledgered.canPlaceAll([{ GPU: 1 }])).toBe(false);
    expect(ledgered.place('x', { CPU: 6 })).toBeUndefined();
  });
});
