import { describe, expect, it } from 'vitest';

import { ObjectStore, type StoreEvent } from './objectStore.ts';

const pod = (name: string, namespace = 'default') => ({ metadata: { name, namespace } });

describe('ObjectStore', () => {
  it('stamps one increasing resourceVersion across buckets', () => {
    const store = new ObjectStore();
    const first = store.put('/pods', 'default/a', pod('a'));
    const second = store.put('/services', 'default/a', pod('a'));
    const third = store.put('/pods', 'default/a', pod('a'));
    expect([first, second, third].map((record) => record.object.metadata?.resourceVersion)).toEqual(
      ['1', '2', '3'],
    );
    expect(store.resourceVersion).toBe(3);
  });

  it('lists in key order and by namespace, including after inserts and removals', () => {
    const store = new ObjectStore();
    for (const [namespace, name] of [
      ['b', 'x'],
      ['a', 'z'],
      ['a', 'y'],
      ['c', 'w'],
    ] as const) {
      store.put('/pods', `${namespace}/${name}`, pod(name, namespace));
    }
    const names = () => store.list('/pods').map((record) => record.object.metadata?.name);
    expect(names()).toEqual(['y', 'z', 'x', 'w']);
    store.put('/pods', 'a/a', pod('a', 'a'));
    store.remove('/pods', 'b/x');
    expect(names()).toEqual(['a', 'y', 'z', 'w']);
    expect(store.list('/pods', 'a').map((record) => record.object.metadata?.name)).toEqual([
      'a',
      'y',
      'z',
    ]);
    expect(store.list('/pods', 'nothing')).toEqual([]);
  });

  it('replays the events of one bucket after a resourceVersion', () => {
    const store = new ObjectStore();
    store.put('/pods', 'default/a', pod('a'));
    store.put('/services', 'default/s', pod('s'));
    store.put('/pods', 'default/b', pod('b'));
    store.remove('/pods', 'default/a');
    const events = store.eventsSince('/pods', 1) ?? [];
    expect(
      events.map((event) => [
        event.type,
        event.record.object.metadata?.name,
        event.record.resourceVersion,
      ]),
    ).toEqual([
      ['ADDED', 'b', 3],
      ['DELETED', 'a', 4],
    ]);
  });

  it('forgets events beyond its window and says so', () => {
    const store = new ObjectStore({ eventWindow: 3 });
    for (let index = 0; index < 10; index++)
      store.put('/pods', `default/p${index}`, pod(`p${index}`));
    expect(store.eventsSince('/pods', 2)).toBeUndefined();
    expect(store.oldestWatchableVersion).toBe(7);
    expect(store.eventsSince('/pods', 7)?.map((event) => event.record.resourceVersion)).toEqual([
      8, 9, 10,
    ]);
  });

  it('tells subscribers of each change with the previous state', () => {
    const store = new ObjectStore();
    const seen: StoreEvent[] = [];
    const unsubscribe = store.subscribe('/pods', (event) => seen.push(event));
    store.put('/pods', 'default/a', { metadata: { name: 'a', labels: { v: '1' } } });
    store.put('/pods', 'default/a', { metadata: { name: 'a', labels: { v: '2' } } });
    store.put('/services', 'default/a', pod('a'));
    unsubscribe();
    store.remove('/pods', 'default/a');
    expect(
      seen.map((event) => [event.type, event.previous?.object.metadata?.labels?.['v']]),
    ).toEqual([
      ['ADDED', undefined],
      ['MODIFIED', '1'],
    ]);
  });

  it('runs the commit hook before a change; a hook that throws leaves the store as it was', () => {
    const store = new ObjectStore();
    const seen: [number, string, boolean][] = [];
    const events: string[] = [];
    store.subscribeAll((event) => events.push(event.type));
    let failing = false;
    store.setCommitHook((commit) => {
      if (failing) throw new Error('disk full');
      seen.push([commit.resourceVersion, commit.key, commit.object !== undefined]);
      // Not applied yet when the hook runs.
      expect(store.get('b', commit.key)?.resourceVersion).not.toBe(commit.resourceVersion);
    });
    store.put('b', 'k', { metadata: { name: 'k' } });
    failing = true;
    expect(() => store.put('b', 'k', { metadata: { name: 'k' }, data: 1 })).toThrow('disk full');
    expect(() => store.remove('b', 'k')).toThrow('disk full');
    expect(store.resourceVersion).toBe(1);
    expect(store.get('b', 'k')?.object).toEqual({ metadata: { name: 'k', resourceVersion: '1' } });
    failing = false;
    store.remove('b', 'k');
    expect(seen).toEqual([
      [1, 'k', true],
      [2, 'k', false],
    ]);
    expect(events).toEqual(['ADDED', 'DELETED']);
  });
});
