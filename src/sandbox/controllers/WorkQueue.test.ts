import { describe, expect, it } from 'vitest';

import { ManualClock } from '../world/simClock.ts';
import { WorkQueue } from './WorkQueue.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('WorkQueue', () => {
  it('deduplicates keys queued before the next tick', async () => {
    const seen: string[] = [];
    const queue = new WorkQueue({
      name: 'test',
      clock: new ManualClock(),
      reconcile: (key) => void seen.push(key),
    });
    queue.add('a');
    queue.add('a');
    queue.add('b');
    await tick();
    expect(seen).toEqual(['a', 'b']);
  });

  it('keeps the earliest delayed request', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const queue = new WorkQueue({ name: 'test', clock, reconcile: () => void calls++ });
    queue.addAfter('a', 5000);
    queue.addAfter('a', 1000);
    queue.addAfter('a', 3000);
    clock.advance(999);
    await tick();
    expect(calls).toBe(0);
    clock.advance(1);
    await tick();
    expect(calls).toBe(1);
    clock.advance(10_000);
    await tick();
    expect(calls).toBe(1);
  });

  it('retries a failing key with growing backoff on the simulated clock', async () => {
    const clock = new ManualClock();
    const attempts: number[] = [];
    const start = clock.now();
    const queue = new WorkQueue({
      name: 'test',
      clock,
      reconcile: () => {
        attempts.push(clock.now() - start);
        if (attempts.length < 4) throw new Error('conflict');
        return undefined;
      },
    });
    queue.add('a');
    await tick();
    for (let step = 0; step < 10; step++) {
      clock.advance(100);
      await tick();
    }
    expect(attempts).toEqual([0, 100, 300, 700]);
  });

  it('requeues after the delay a reconcile asks for', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const queue = new WorkQueue({
      name: 'test',
      clock,
      reconcile: () => (++calls < 3 ? { requeueAfterMs: 2000 } : undefined),
    });
    queue.add('a');
    await tick();
    clock.advance(2000);
    await tick();
    clock.advance(2000);
    await tick();
    clock.advance(2000);
    await tick();
    expect(calls).toBe(3);
    queue.stop();
  });
});
