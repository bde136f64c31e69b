import { describe, expect, it } from 'vitest';

import type { ConnectionEvent } from '../../shared/api/streamSchemas.ts';
import { ConnectionHealth } from './ConnectionHealth.ts';

interface FakeInformer {
  name: string;
  synced: boolean;
  lastError?: string;
}

/** A ConnectionHealth over informers the test sets, with a clock it moves. */
function harness(informers: FakeInformer[]) {
  let now = Date.parse('2026-12-01T09:00:00.000Z');
  const health = new ConnectionHealth({
    cache: {
      status: () =>
        informers.map((informer) => ({
          name: informer.name,
          synced: informer.synced,
          idleMs: 0,
          objects: 0,
          ...(informer.lastError ? { lastError: informer.lastError } : {}),
        })),
    },
    graceMs: 10_000,
    timing: { now: () => now, every: () => () => undefined },
  });
  const sent: ConnectionEvent[] = [];
  health.subscribe((state) => sent.push(state));
  /** Moves the clock by `ms` and looks once. */
  const after = (ms: number) => {
    now += ms;
    health.check();
  };
  return { health, sent, after, informers };
}

describe('ConnectionHealth', () => {
  it('starts ok and stays quiet while every informer is synced', () => {
    const { health, sent, after } = harness([{ name: 'pods', synced: true }]);
    after(60_000);
    expect(health.current()).toMatchObject({ state: 'ok', informers: [] });
    expect(sent).toEqual([]);
  });

  it('turns degraded once an informer has failed past the grace time, naming it and the error', () => {
    const { health, sent, after, informers } = harness([
      { name: 'pods', synced: true },
      { name: 'rayclusters', synced: true },
    ]);
    informers[0] = { name: 'pods', synced: true, lastError: 'connect ECONNREFUSED' };
    after(1_000);
    after(9_000);
    expect(sent).toEqual([]);
    after(1_001);
    expect(sent).toEqual([
      {
        state: 'degraded',
        since: '2026-12-01T09:00:01.000Z',
        message:
          "Kubernetes is not answering the portal's watch of pods (connect ECONNREFUSED); what you see may be out of date.",
        informers: ['pods'],
      },
    ]);
    expect(health.current()).toBe(sent[0]);
  });

  it('ignores a failure that heals within the grace time (a watch that reconnects at once)', () => {
    const { sent, after, informers } = harness([{ name: 'pods', synced: true }]);
    informers[0] = { name: 'pods', synced: true, lastError: 'socket hang up' };
    after(1_000);
    informers[0] = { name: 'pods', synced: true };
    after(1_000);
    informers[0] = { name: 'pods', synced: true, lastError: 'socket hang up' };
    after(9_000);
    expect(sent).toEqual([]);
  });

  it('sends a change of failing informers, not every new error text, then ok on recovery', () => {
    const { sent, after, informers } = harness([
      { name: 'pods', synced: true },
      { name: 'nodes', synced: true },
    ]);
    informers[0] = { name: 'pods', synced: true, lastError: 'ECONNREFUSED' };
    after(1_000);
    after(10_001);
    informers[0] = { name: 'pods', synced: true, lastError: 'ECONNRESET' };
    after(1_000);
    informers[1] = { name: 'nodes', synced: true, lastError: 'ECONNREFUSED' };
    after(1_000);
    after(10_001);
    informers[0] = { name: 'pods', synced: true };
    informers[1] = { name: 'nodes', synced: true };
    after(1_000);
    expect(sent.map((state) => [state.state, state.informers, state.since])).toEqual([
      ['degraded', ['pods'], '2026-12-01T09:00:01.000Z'],
      // Still the same outage: `since` stays when it began.
      ['degraded', ['nodes', 'pods'], '2026-12-01T09:00:01.000Z'],
      ['ok', [], '2026-12-01T09:00:24.002Z'],
    ]);
  });

  it('counts an informer that has not listed yet as failing', () => {
    const { sent, after } = harness([{ name: 'pods', synced: false }]);
    after(0);
    after(10_001);
    expect(sent[0]).toMatchObject({ state: 'degraded', informers: ['pods'] });
    expect(sent[0]?.message).toContain('(not listed yet)');
  });
});
