import { describe, expect, it } from 'vitest';

import { createSandboxApiServer } from '../apiserver/createSandboxApiServer.ts';
import { ManualClock } from '../world/simClock.ts';
import { parseWorldConfig } from '../world/worldConfig.ts';
import { EventRecorder } from './EventRecorder.ts';
import { eventTtlSeconds, startEventTtl } from './eventTtl.ts';

describe('startEventTtl', () => {
  it('deletes events an hour after they were last seen, keeping recent ones', () => {
    const clock = new ManualClock();
    const apiServer = createSandboxApiServer({ now: () => new Date(clock.now()) });
    const world = parseWorldConfig('nodePools: [{ name: cpu, count: 1, cpu: 4, memory: 8Gi }]');
    const events = new EventRecorder(apiServer.api, clock);
    const running = startEventTtl({ apiServer, api: apiServer.api, clock, world, events });
    const regarding = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default', uid: 'u1' },
    };
    events.record({
      regarding,
      type: 'Normal',
      reason: 'Old',
      note: 'first',
      reportingController: 'test',
    });
    clock.advance((eventTtlSeconds - 600) * 1000);
    events.record({
      regarding,
      type: 'Normal',
      reason: 'Recent',
      note: 'second',
      reportingController: 'test',
    });
    clock.advance(900 * 1000);
    const reasons = apiServer.store.list('events').map((record) => record.object['reason']);
    expect(reasons).toEqual(['Recent']);
    running.stop();
  });
});
