import {
  closeSync,
  existsSync,
  fdatasyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

import {
  objectKey,
  ObjectStore,
  type ObjectStoreOptions,
  type StoreCommit,
} from './objectStore.ts';
import type { KubeObject } from './resourceType.ts';
import { readSnapshotFile, saveSnapshot } from './stateSnapshot.ts';

/** Options of {@link StateJournal.open}. */
export interface StateJournalOptions {
  /**
   * `fdatasync` the journal after every append, so an acknowledged write also survives a power
   * loss or kernel crash, not only the death of the process. Default false: a plain `write(2)`
   * is already in the kernel's page cache when the response goes out, which survives `kill -9`.
   */
  fsync?: boolean;
  /** Journal size in bytes past which it is folded into a new snapshot. Default 64 MiB. */
  compactBytes?: number;
  /** Options of the restored store (event window). */
  storeOptions?: ObjectStoreOptions;
}

/** One journal line: the new state of `k` in bucket `b` at resourceVersion `v`, or its removal. */
interface JournalLine {
  v: number;
  b: string;
  k: string;
  /** The stored object; absent for a removal. */
  o?: KubeObject;
}

/** Default {@link StateJournalOptions.compactBytes}: 64 MiB. */
export const defaultCompactBytes = 64 * 1024 * 1024;

/**
 * Write-ahead persistence of the sandbox store: a snapshot file plus a journal
 * (`<snapshot>.journal`, one JSON line per committed change). Every change is appended with a
 * synchronous `write(2)` from the store's commit hook, before the change is applied, announced
 * to watchers or answered over HTTP, so the sandbox never acknowledges a write it could lose
 * to a crash of its process. Opening loads the snapshot, replays the journal, and folds both into
 * a fresh snapshot; the journal is folded again whenever it grows past `compactBytes`, and on
 * {@link close}.
 */
export class StateJournal {
  /** The restored store, journaled from now on. */
  readonly store: ObjectStore;
  readonly snapshotFile: string;
  readonly journalFile: string;
  private readonly fsync: boolean;
  private readonly compactBytes: number;
  private fd: number | undefined;
  private bytes = 0;
  private compactionQueued = false;

  private constructor(store: ObjectStore, snapshotFile: string, options: StateJournalOptions) {
    this.store = store;
    this.snapshotFile = snapshotFile;
    this.journalFile = `${snapshotFile}.journal`;
    this.fsync = options.fsync ?? false;
    this.compactBytes = options.compactBytes ?? defaultCompactBytes;
  }

  /**
   * Restores the store from `snapshotFile` and its journal (either may be missing), writes a
   * fresh snapshot, empties the journal and starts journaling every change.
   * @throws Error when a journal line other than a torn last one cannot be read
   */
  static open(snapshotFile: string, options: StateJournalOptions = {}): StateJournal {
    const journal = new StateJournal(
      restoreStore(snapshotFile, `${snapshotFile}.journal`, options.storeOptions),
      snapshotFile,
      options,
    );
    mkdirSync(dirname(snapshotFile), { recursive: true });
    journal.fd = openSync(journal.journalFile, 'a');
    journal.compact();
    journal.store.setCommitHook((commit) => journal.append(commit));
    return journal;
  }

  /** Current journal size in bytes (since the last compaction). */
  get journalBytes(): number {
    return this.bytes;
  }

  /**
   * Folds the journal into a new snapshot: the snapshot is replaced atomically first, then the
   * journal is emptied. A crash in between is harmless: replay skips lines the snapshot covers.
   */
  compact(): void {
    if (this.fd === undefined) return;
    saveSnapshot(this.store, this.snapshotFile, { fsync: this.fsync });
    ftruncateSync(this.fd, 0);
    if (this.fsync) fdatasyncSync(this.fd);
    this.bytes = 0;
  }

  /** Compacts, stops journaling and closes the journal. */
  close(): void {
    if (this.fd === undefined) return;
    this.compact();
    this.store.setCommitHook(undefined);
    closeSync(this.fd);
    this.fd = undefined;
  }

  private append(commit: StoreCommit): void {
    if (this.fd === undefined) return;
    const line: JournalLine = { v: commit.resourceVersion, b: commit.storageKey, k: commit.key };
    if (commit.object) line.o = commit.object;
    const data = Buffer.from(`${JSON.stringify(line)}\n`);
    try {
      // A regular file may take fewer bytes than asked (e.g. at ENOSPC): write the rest.
      let written = 0;
      while (written < data.length) {
        written += writeSync(this.fd, data, written, data.length - written);
      }
      if (this.fsync) fdatasyncSync(this.fd);
    } catch (error) {
      // The change is refused; cut off any part of its line so later lines stay readable.
      ftruncateSync(this.fd, this.bytes);
      throw error;
    }
    this.bytes += data.length;
    if (this.bytes > this.compactBytes && !this.compactionQueued) {
      // Not now: this change is journaled but not yet applied to the store.
      this.compactionQueued = true;
      setImmediate(() => {
        this.compactionQueued = false;
        this.compact();
      });
    }
  }
}

/**
 * The store as of the snapshot plus every journaled change after it. A last line without its
 * newline is a write the crash interrupted (never acknowledged) and is dropped.
 */
function restoreStore(
  snapshotFile: string,
  journalFile: string,
  storeOptions: ObjectStoreOptions = {},
): ObjectStore {
  const buckets = new Map<string, Map<string, KubeObject>>();
  const bucket = (storageKey: string): Map<string, KubeObject> => {
    let found = buckets.get(storageKey);
    if (!found) {
      found = new Map();
      buckets.set(storageKey, found);
    }
    return found;
  };
  let revision = 0;
  if (existsSync(snapshotFile)) {
    const snapshot = readSnapshotFile(snapshotFile);
    revision = snapshot.resourceVersion;
    for (const [storageKey, objects] of Object.entries(snapshot.buckets)) {
      const target = bucket(storageKey);
      for (const object of objects) {
        target.set(objectKey(object.metadata?.namespace, object.metadata?.name ?? ''), object);
      }
    }
  }
  const covered = revision;
  if (existsSync(journalFile)) {
    const lines = readFileSync(journalFile, 'utf8').split('\n');
    lines.forEach((text, index) => {
      if (text === '') return;
      let line: JournalLine;
      try {
        line = JSON.parse(text) as JournalLine;
      } catch (error) {
        if (index === lines.length - 1) return;
        throw new Error(`${journalFile}:${index + 1}: unreadable journal line`, { cause: error });
      }
      if (line.v <= covered) return;
      if (line.o) bucket(line.b).set(line.k, line.o);
      else bucket(line.b).delete(line.k);
      revision = Math.max(revision, line.v);
    });
  }
  const store = new ObjectStore(storeOptions);
  store.restore(
    revision,
    [...buckets].flatMap(([storageKey, objects]) =>
      [...objects].map(([key, object]) => ({ storageKey, key, object })),
    ),
  );
  return store;
}
