import { afterEach, describe, expect, it } from 'vitest';

import { type ManualWorld, startManualWorld } from './startManualWorld.ts';

let world: ManualWorld | undefined;
afterEach(() => world?.stop());

describe('StatefulSet controller', () => {
  it('creates <sts>-0..n-1 one at a time, each after the previous is Ready, and scales down from the top', async () => {
    world = await startManualWorld();
    const sets = world.type('apps', 'statefulsets');
    const pods = world.type('', 'pods');
    world.api.create(sets, 'team-a', {
      metadata: { name: 'db' },
      spec: {
        replicas: 3,
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: {
          metadata: { labels: { app: 'db' } },
          spec: {
            containers: [
              {
                name: 'db',
                image: 'postgres:17',
                readinessProbe: { exec: { command: ['pg_isready'] } },
              },
            ],
          },
        },
      },
    });
    const names = () =>
      world?.api
        .list(pods, { namespace: 'team-a' })
        .items.filter((pod) => !pod.metadata?.deletionTimestamp)
        .map((pod) => pod.metadata?.name)
        .sort() ?? [];
    await world.settle();
    expect(names()).toEqual(['db-0']);
    const first = world.api.get(pods, 'team-a', 'db-0');
    expect(first.metadata?.labels).toMatchObject({
      app: 'db',
      'statefulset.kubernetes.io/pod-name': 'db-0',
      'apps.kubernetes.io/pod-index': '0',
      'controller-revision-hash': expect.stringMatching(/^db-[a-z0-9]+$/),
    });
    expect(first['spec']).toMatchObject({ hostname: 'db-0', subdomain: 'db' });
    // db-0 is Ready at 8 s; db-1 is created then, lands on the emptier cpu-2 (pull 4 s, start
    // 1 s, probe 3 s) and is Ready at 16 s; db-2 likewise at 24 s.
    await world.advance(7_900);
    expect(names()).toEqual(['db-0']);
    await world.advance(100);
    expect(names()).toEqual(['db-0', 'db-1']);
    await world.advance(8_000);
    expect(names()).toEqual(['db-0', 'db-1', 'db-2']);
    await world.advance(8_000);
    expect(world.api.get(sets, 'team-a', 'db')['status']).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
      observedGeneration: 1,
    });
    expect(
      world.eventsFor(world.api.get(sets, 'team-a', 'db')).map((event) => event['note']),
    ).toEqual([
      'create Pod db-0 in StatefulSet db successful',
      'create Pod db-1 in StatefulSet db successful',
      'create Pod db-2 in StatefulSet db successful',
    ]);

    const current = world.api.get(sets, 'team-a', 'db');
    world.api.update(sets, 'team-a', 'db', {
      ...current,
      spec: { ...(current['spec'] as object), replicas: 1 },
    });
    await world.settle();
    expect(names()).toEqual(['db-0', 'db-1']);
    await world.advance(3_000);
    expect(names()).toEqual(['db-0']);
  });
});
