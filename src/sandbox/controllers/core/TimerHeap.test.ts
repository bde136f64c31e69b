import { describe, expect, it } from 'vitest';

import { ManualClock } from '../../world/simClock.ts';
import { TimerHeap } from './TimerHeap.ts';

describe('TimerHeap', () => {
  it('runs callbacks in time order, equal times in scheduling order, each at its due time, on one clock timer', () => {
    const clock = new ManualClock(0);
    const heap = new TimerHeap(clock);
    const seen: string[] = [];
    heap.after(300, () => seen.push(`c@${clock.now()}`));
    heap.after(100, () => {
      seen.push(`a@${clock.now()}`);
      heap.after(0, () => seen.push(`a2@${clock.now()}`));
    });
    heap.after(100, () => seen.push(`b@${clock.now()}`));
    const cancel = heap.after(200, () => seen.push('cancelled'));
    cancel();
    expect(clock.pendingTimers).toBe(1);
    clock.advance(1_000);
    expect(seen).toEqual(['a@100', 'b@100', 'a2@100', 'c@300']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps going when a callback throws, and schedules nothing after stop', () => {
    const clock = new ManualClock(0);
    const errors: unknown[] = [];
    const heap = new TimerHeap(clock, (error) => errors.push(error));
    const seen: number[] = [];
    heap.after(10, () => {
      throw new Error('boom');
    });
    heap.after(20, () => seen.push(clock.now()));
    clock.advance(50);
    expect(seen).toEqual([20]);
    expect(errors).toHaveLength(1);
    heap.stop();
    heap.after(10, () => seen.push(-1));
    clock.advance(50);
    expect(seen).toEqual([20]);
  });
});
