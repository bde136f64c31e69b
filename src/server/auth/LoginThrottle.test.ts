import { describe, expect, it } from 'vitest';

import { LoginThrottle } from './LoginThrottle.ts';

function retryAfter(throttle: LoginThrottle, username: string, address: string): number {
  const attempt = throttle.begin(username, address);
  return attempt.allowed ? 0 : attempt.retryAfterSeconds;
}

describe('LoginThrottle', () => {
  it('brakes a username and address after maxFailures within the window, until the window ends', () => {
    let now = 0;
    const throttle = new LoginThrottle({ maxFailures: 2, windowMs: 60_000, now: () => now });
    expect(throttle.begin('alice', '10.0.0.1').allowed).toBe(true);
    expect(throttle.begin('Alice', '10.0.0.1').allowed).toBe(true);
    expect(retryAfter(throttle, 'alice', '10.0.0.1')).toBe(60);
    expect(retryAfter(throttle, 'alice', '10.0.0.2')).toBe(0);
    expect(retryAfter(throttle, 'bob', '10.0.0.1')).toBe(0);
    now = 59_001;
    expect(retryAfter(throttle, 'alice', '10.0.0.1')).toBe(1);
    now = 60_000;
    expect(retryAfter(throttle, 'alice', '10.0.0.1')).toBe(0);
  });

  it('counts each attempt when it begins, so parallel attempts beyond the limit are refused', () => {
    const throttle = new LoginThrottle({ maxFailures: 10, now: () => 0 });
    const attempts = Array.from({ length: 60 }, () => throttle.begin('alice', '10.0.0.1'));
    expect(attempts.filter((attempt) => attempt.allowed)).toHaveLength(10);
  });

  it('brakes an address across usernames after maxFailuresPerAddress', () => {
    const throttle = new LoginThrottle({
      maxFailures: 100,
      maxFailuresPerAddress: 3,
      windowMs: 60_000,
      now: () => 0,
    });
    for (const username of ['a', 'b', 'c']) {
      expect(throttle.begin(username, '10.0.0.1').allowed).toBe(true);
    }
    expect(retryAfter(throttle, 'd', '10.0.0.1')).toBe(60);
    expect(retryAfter(throttle, 'd', '10.0.0.2')).toBe(0);
  });

  it('takes a successful attempt back and forgets the pair, but not the address', () => {
    const throttle = new LoginThrottle({ maxFailures: 2, maxFailuresPerAddress: 3, now: () => 0 });
    expect(throttle.begin('mallory', '10.0.0.1').allowed).toBe(true);
    const wrong = throttle.begin('alice', '10.0.0.1');
    const right = throttle.begin('alice', '10.0.0.1');
    if (!right.allowed || !wrong.allowed) throw new Error('expected both attempts to be allowed');
    right.succeed();
    // The pair is clear again; the address still holds two failures (mallory, alice's wrong one).
    expect(throttle.begin('alice', '10.0.0.1').allowed).toBe(true);
    expect(throttle.begin('alice', '10.0.0.1').allowed).toBe(false);
  });

  it('remembers at most maxKeys keys, dropping the oldest', () => {
    const throttle = new LoginThrottle({ maxFailures: 1, maxKeys: 2, now: () => 0 });
    for (const username of ['a', 'b', 'c']) throttle.begin(username, '10.0.0.1');
    expect(retryAfter(throttle, 'a', '10.0.0.1')).toBe(0);
    expect(retryAfter(throttle, 'c', '10.0.0.1')).toBeGreaterThan(0);
  });
});
