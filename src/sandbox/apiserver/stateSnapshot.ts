import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { objectKey, ObjectStore, type ObjectStoreOptions } from './objectStore.ts';
import type { KubeObject } from './resourceType.ts';

/** On-disk form of the store: every object by bucket, and the resourceVersion counter. */
interface SnapshotFile {
  format: 'raydeck-sandbox-snapshot/v1';
  resourceVersion: number;
  buckets: Record<string, KubeObject[]>;
}

/** Writes the whole store to `file` atomically (temp file + rename), so a crash never truncates it. */
export function saveSnapshot(store: ObjectStore, file: string): void {
  const buckets: Record<string, KubeObject[]> = {};
  for (const storageKey of store.storageKeys()) {
    buckets[storageKey] = store.list(storageKey).map((record) => record.object);
  }
  const snapshot: SnapshotFile = {
    format: 'raydeck-sandbox-snapshot/v1',
    resourceVersion: store.resourceVersion,
    buckets,
  };
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(snapshot));
  renameSync(partial, file);
}

/**
 * A store restored from `file`: objects keep their uids and resourceVersions, and new writes
 * continue after the saved counter. Watches cannot resume across a restart (the event log is
 * not saved), so informers relist, as after an etcd compaction.
 */
export function loadSnapshot(file: string, options: ObjectStoreOptions = {}): ObjectStore {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as SnapshotFile;
  if (parsed.format !== 'raydeck-sandbox-snapshot/v1') {
    throw new Error(`${file} is not a Raydeck sandbox snapshot (format ${String(parsed.format)})`);
  }
  const store = new ObjectStore(options);
  const entries = Object.entries(parsed.buckets).flatMap(([storageKey, objects]) =>
    objects.map((object) => ({
      storageKey,
      key: objectKey(object.metadata?.namespace, object.metadata?.name ?? ''),
      object,
    })),
  );
  store.restore(parsed.resourceVersion, entries);
  return store;
}

/**
 * Saves the store at most once per `intervalMs` after a change, plus on demand (shutdown).
 * Returns `flush` for the final save.
 */
export function snapshotOnChange(
  store: ObjectStore,
  file: string,
  intervalMs = 1000,
): { flush: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    saveSnapshot(store, file);
  };
  store.subscribeAll(() => {
    if (timer) return;
    timer = setTimeout(flush, intervalMs);
    timer.unref();
  });
  return { flush };
}
