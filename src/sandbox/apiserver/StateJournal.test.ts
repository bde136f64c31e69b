import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { StateJournal } from './StateJournal.ts';

const dirs: string[] = [];
function stateFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'raydeck-journal-'));
  dirs.push(dir);
  return join(dir, 'state.json');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const configMap = (name: string, value: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  data: { value },
});

describe('StateJournal', () => {
  it('replays every change made since the snapshot, without a clean close (a crash)', () => {
    const file = stateFile();
    const first = StateJournal.open(file);
    first.store.put('/configmaps', 'default/a', configMap('a', '1'));
    first.store.put('/configmaps', 'default/b', configMap('b', '1'));
    first.store.put('/configmaps', 'default/a', configMap('a', '2'));
    first.store.remove('/configmaps', 'default/b');
    // No close(): the journal is all there is.

    const second = StateJournal.open(file);
    expect(second.store.resourceVersion).toBe(4);
    expect(second.store.get('/configmaps', 'default/a')?.object.data).toEqual({ value: '2' });
    expect(second.store.get('/configmaps', 'default/a')?.resourceVersion).toBe(3);
    expect(second.store.get('/configmaps', 'default/b')).toBeUndefined();
    // Opening folded the journal into the snapshot.
    expect(second.journalBytes).toBe(0);
    expect(statSync(`${file}.journal`).size).toBe(0);
    second.store.put('/configmaps', 'default/c', configMap('c', '1'));
    expect(second.store.get('/configmaps', 'default/c')?.resourceVersion).toBe(5);
    second.close();
    first.close();
  });

  it('drops a torn last line (a write the crash interrupted) but refuses a corrupt middle', () => {
    const file = stateFile();
    const journal = StateJournal.open(file);
    journal.store.put('/configmaps', 'default/a', configMap('a', '1'));
    appendFileSync(`${file}.journal`, '{"v":2,"b":"/configmaps","k":"default/x","o":{"meta');
    const reopened = StateJournal.open(file);
    expect(reopened.store.resourceVersion).toBe(1);
    expect(reopened.store.get('/configmaps', 'default/x')).toBeUndefined();

    reopened.store.put('/configmaps', 'default/b', configMap('b', '1'));
    const text = readFileSync(`${file}.journal`, 'utf8');
    appendFileSync(`${file}.journal`, `not json\n${text}`);
    expect(() => StateJournal.open(file)).toThrow(/unreadable journal line/);
  });

  it('skips journal lines the snapshot already covers (crash between snapshot and truncate)', () => {
    const file = stateFile();
    const journal = StateJournal.open(file);
    journal.store.put('/configmaps', 'default/a', configMap('a', '1'));
    journal.store.remove('/configmaps', 'default/a');
    const lines = readFileSync(`${file}.journal`, 'utf8');
    journal.compact();
    journal.store.put('/configmaps', 'default/a', configMap('a', 'again'));
    // As if the old journal had not been emptied: stale lines before the new one.
    const current = readFileSync(`${file}.journal`, 'utf8');
    writeFileSync(`${file}.journal`, lines + current);
    const reopened = StateJournal.open(file);
    expect(reopened.store.get('/configmaps', 'default/a')?.object.data).toEqual({
      value: 'again',
    });
    expect(reopened.store.resourceVersion).toBe(3);
  });

  it('compacts once the journal passes compactBytes', async () => {
    const file = stateFile();
    const journal = StateJournal.open(file, { compactBytes: 2000 });
    for (let index = 0; index < 30; index++) {
      journal.store.put('/configmaps', `default/c${index}`, configMap(`c${index}`, 'x'));
    }
    expect(journal.journalBytes).toBeGreaterThan(2000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(journal.journalBytes).toBe(0);
    const reopened = StateJournal.open(file);
    expect(reopened.store.count('/configmaps')).toBe(30);
  });

  it('with fsync, still journals (the flush is the only difference)', () => {
    const file = stateFile();
    const journal = StateJournal.open(file, { fsync: true });
    journal.store.put('/configmaps', 'default/a', configMap('a', '1'));
    expect(StateJournal.open(file).store.count('/configmaps')).toBe(1);
  });
});
