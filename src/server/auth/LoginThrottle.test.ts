import { describe, expect, it } from 'vitest';

import { LoginThrottle } from './LoginThrottle.ts';

describe('LoginThrottle', () => {
  it('brakes a key after maxFailures within the window, until the window ends', () => {
    let now = 0;
    const throttle = new LoginThrottle({ maxFailures: 2, windowMs: 60_000, now: () => now });
    throttle.fail('a');
    expect(throttle.retryAfterSeconds('a')).toBe(0);
    throttle.fail('a');
    expect(throttle.retryAfterSeconds('a')).toBe(60);
    expect(throttle.retryAfterSeconds('b')).toBe(0);
    now = 59_001;
    expect(throttle.retryAfterSeconds('a')).toBe(1);
    now = 60_000;
    expect(throttle.retryAfterSeconds('a')).toBe(0);
  });

  it('forgets a key after a success', () => {
    const throttle = new LoginThrottle({ maxFailures: 1 });
    throttle.fail('a');
    expect(throttle.retryAfterSeconds('a')).toBeGreaterThan(0);
    throttle.succeed('a');
    expect(throttle.retryAfterSeconds('a')).toBe(0);
  });

  it('remembers at most maxKeys keys, dropping the oldest', () => {
    const throttle = new LoginThrottle({ maxFailures: 1, maxKeys: 2 });
    for (const key of ['a', 'b', 'c']) throttle.fail(key);
    expect(throttle.retryAfterSeconds('a')).toBe(0);
    expect(throttle.retryAfterSeconds('c')).toBeGreaterThan(0);
  });
});
