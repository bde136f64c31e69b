import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';

import { objectKey, ObjectStore, type ObjectStoreOptions } from './objectStore.ts';
import type { KubeObject } from './resourceType.ts';

/** On-disk form of the store: every object by bucket, and the resourceVersion counter. */
export interface SnapshotFile {
  format: 'raydeck-sandbox-snapshot/v1';
  resourceVersion: number;
  buckets: Record<string, KubeObject[]>;
}

/**
 * Writes the whole store to `file` atomically (temp file + rename), so a crash never truncates it.
 * With `fsync`, the file is flushed to the device before the rename and the directory after it,
 * so the snapshot also survives a power loss.
 */
export function saveSnapshot(
  store: ObjectStore,
  file: string,
  options: { fsync?: boolean } = {},
): void {
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
  if (options.fsync) syncPath(partial);
  renameSync(partial, file);
  if (options.fsync) syncPath(dirname(file));
}

/** Flushes a file or directory to the device (`fsync`). */
export function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Reads and checks a snapshot file. */
export function readSnapshotFile(file: string): SnapshotFile {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as SnapshotFile;
  if (parsed.format !== 'raydeck-sandbox-snapshot/v1') {
    throw new Error(`${file} is not a Raydeck sandbox snapshot (format ${String(parsed.format)})`);
  }
  return parsed;
}

/**
 * A store restored from `file`: objects keep their uids and resourceVersions, and new writes
 * continue after the saved counter. Watches cannot resume across a restart (the event log is
 * not saved), so informers relist, as after an etcd compaction.
 */
export function loadSnapshot(file: string, options: ObjectStoreOptions = {}): ObjectStore {
  const parsed = readSnapshotFile(file);
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
