import { afterEach, describe, expect, it, vi } from 'vitest';

import { ManualClock, ScaledClock } from './simClock.ts';

afterEach(() => vi.useRealTimers());

describe('ScaledClock', () => {
  it('runs simulated time N times faster while wallNow stays the wall clock', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-03-01T12:00:00Z') });
    const clock = new ScaledClock(60);
    vi.setSystemTime(Date.parse('2026-03-01T12:00:10Z'));
    expect(new Date(clock.now()).toISOString()).toBe('2026-03-01T12:10:00.000Z');
    expect(new Date(clock.wallNow()).toISOString()).toBe('2026-03-01T12:00:10.000Z');
    // A creationTimestamp written now maps back to the simulated instant it was written at.
    expect(clock.simTimeOf(clock.wallNow())).toBe(clock.now());
  });
});

describe('ManualClock', () => {
  it('is its own wall clock', () => {
    const clock = new ManualClock(1_000);
    clock.advance(500);
    expect(clock.wallNow()).toBe(1_500);
    expect(clock.simTimeOf(1_200)).toBe(1_200);
  });
});
