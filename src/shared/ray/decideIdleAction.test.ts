import { describe, expect, it } from 'vitest';

import {
  decideIdleAction,
  formatSeconds,
  headActivity,
  type IdlePolicy,
} from './decideIdleAction.ts';

const created = new Date('2026-12-01T10:00:00Z');
const at = (minutes: number) => new Date(created.getTime() + minutes * 60_000);
const policy: IdlePolicy = {
  idleTimeoutSeconds: 120,
  warnBeforeSeconds: 30,
  lifetimeAction: 'suspend',
};

describe('headActivity', () => {
  it('is busy with running or pending jobs, Serve apps or an active driver, naming each', () => {
    expect(
      headActivity({
        jobs: [{ status: 'SUCCEEDED' }, { status: 'RUNNING' }, { status: 'PENDING' }],
        serveApplications: { app1: {} },
        componentActivities: {
          driver: { is_active: 'ACTIVE' },
          notebook: { is_active: 'INACTIVE' },
        },
      }),
    ).toEqual({
      busy: true,
      reasons: ['2 running or pending job(s)', 'Serve app(s) app1', 'driver active'],
    });
  });

  it('is idle with only finished jobs and nothing served, and busy when jobs are unknown', () => {
    expect(headActivity({ jobs: [{ status: 'FAILED' }], serveApplications: {} }).busy).toBe(false);
    expect(headActivity({}).busy).toBe(true);
  });
});

describe('decideIdleAction', () => {
  it('waits, warns, then suspends after the idle timeout, with the countdown', () => {
    const idleSince = at(10);
    expect(decideIdleAction({ policy, createdAt: created, idleSince, now: at(11) })).toEqual({
      action: 'none',
      reason: '',
      idleSeconds: 60,
      actsAt: at(12),
    });
    expect(
      decideIdleAction({ policy, createdAt: created, idleSince, now: at(11.75) }),
    ).toMatchObject({
      action: 'warn',
      reason: 'will be suspended after 2 min idle in 15 s',
    });
    expect(decideIdleAction({ policy, createdAt: created, idleSince, now: at(12) })).toMatchObject({
      action: 'suspend',
      reason: 'suspended after 2 min idle',
    });
  });

  it('never acts on idleness while busy, but ends the lifetime as the template says', () => {
    const lifetime: IdlePolicy = { ...policy, maxLifetimeSeconds: 3600, lifetimeAction: 'delete' };
    expect(
      decideIdleAction({ policy: lifetime, createdAt: created, idleSince: undefined, now: at(30) })
        .action,
    ).toBe('none');
    expect(
      decideIdleAction({ policy: lifetime, createdAt: created, idleSince: undefined, now: at(60) }),
    ).toMatchObject({
      action: 'delete',
      reason: 'deleted at the end of its 1 h lifetime',
    });
  });

  it('formats durations as the reasons read', () => {
    expect([
      formatSeconds(90),
      formatSeconds(120),
      formatSeconds(3600),
      formatSeconds(5400),
    ]).toEqual(['90 s', '2 min', '1 h', '1 h 30 min']);
  });
});
