import type { KubeObject } from './resourceType.ts';

/** A watch event type, as on the wire. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * One stored version of an object. Objects are immutable once stored: every write stores a new
 * record, so readers and watchers can share them without copying. `json` caches the object's
 * serialisation per view (a view is a served version that converts the stored form).
 */
export interface StoredRecord {
  readonly object: KubeObject;
  readonly resourceVersion: number;
  readonly serialized: Map<string, string>;
}

/** One change in the event log. `previous` is the prior state for MODIFIED (selector moves). */
export interface StoreEvent {
  readonly type: WatchEventType;
  readonly storageKey: string;
  readonly record: StoredRecord;
  readonly previous: StoredRecord | undefined;
}

/** Called synchronously for every change of one storage bucket. */
export type StoreListener = (event: StoreEvent) => void;

/**
 * One change about to be committed, as a write-ahead journal records it: the new state of `key`
 * (`object`, already stamped with `resourceVersion`) or its removal (`object` undefined).
 */
export interface StoreCommit {
  readonly storageKey: string;
  readonly key: string;
  readonly resourceVersion: number;
  readonly object: KubeObject | undefined;
}

/**
 * Called for every change before it is applied or announced; throwing aborts the change (the
 * store is left as it was), so a journal that cannot write makes the request fail.
 */
export type CommitHook = (commit: StoreCommit) => void;

/** Options for {@link ObjectStore}. */
export interface ObjectStoreOptions {
  /**
   * Number of recent events kept for watches that resume from a resourceVersion. Older
   * resourceVersions get 410 Gone, as etcd compaction gives on a real cluster. Default 20,000.
   */
  eventWindow?: number;
}

/** `namespace/name`, or just `name` for cluster-scoped objects. */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/**
 * The sandbox's storage: one bucket per storage key, a single monotonically increasing
 * resourceVersion across all buckets (as etcd's revision), and a bounded event log for watches.
 * It knows nothing of Kubernetes semantics; {@link ObjectApi} enforces those.
 */
export class ObjectStore {
  private revision = 0;
  private readonly buckets = new Map<string, Map<string, StoredRecord>>();
  private readonly sortedKeys = new Map<string, string[]>();
  private readonly events: StoreEvent[] = [];
  private eventStart = 0;
  private readonly eventWindow: number;
  private readonly listeners = new Map<string, Set<StoreListener>>();
  private readonly globalListeners = new Set<StoreListener>();
  private commitHook: CommitHook | undefined;

  constructor(options: ObjectStoreOptions = {}) {
    this.eventWindow = options.eventWindow ?? 20_000;
  }

  /** The newest resourceVersion written; lists report it as theirs. */
  get resourceVersion(): number {
    return this.revision;
  }

  /** The oldest resourceVersion a watch may resume from without 410 Gone. */
  get oldestWatchableVersion(): number {
    const first = this.events[this.eventStart];
    return first ? first.record.resourceVersion - 1 : this.revision;
  }

  get(storageKey: string, key: string): StoredRecord | undefined {
    return this.buckets.get(storageKey)?.get(key);
  }

  /** Records of a bucket in key order (namespace, then name), optionally in one namespace. */
  list(storageKey: string, namespace?: string): StoredRecord[] {
    const bucket = this.buckets.get(storageKey);
    if (!bucket) return [];
    let keys = this.sortedKeys.get(storageKey);
    if (!keys) {
      keys = [...bucket.keys()].sort();
      this.sortedKeys.set(storageKey, keys);
    }
    const records: StoredRecord[] = [];
    if (namespace === undefined) {
      for (const key of keys) records.push(bucket.get(key) as StoredRecord);
      return records;
    }
    const prefix = `${namespace}/`;
    let index = lowerBound(keys, prefix);
    for (; index < keys.length && (keys[index] as string).startsWith(prefix); index++) {
      records.push(bucket.get(keys[index] as string) as StoredRecord);
    }
    return records;
  }

  /** Number of objects in a bucket. */
  count(storageKey: string): number {
    return this.buckets.get(storageKey)?.size ?? 0;
  }

  /** All bucket names (for snapshots and namespace deletion). */
  storageKeys(): string[] {
    return [...this.buckets.keys()];
  }

  /** Installs the one write-ahead hook (the state journal); `undefined` removes it. */
  setCommitHook(hook: CommitHook | undefined): void {
    this.commitHook = hook;
  }

  /**
   * Stores `object` as the new state of `key`, stamping the next resourceVersion into its
   * metadata, and emits ADDED or MODIFIED.
   */
  put(storageKey: string, key: string, object: KubeObject): StoredRecord {
    const resourceVersion = ++this.revision;
    const stamped: KubeObject = {
      ...object,
      metadata: { ...object.metadata, resourceVersion: String(resourceVersion) },
    };
    this.beforeCommit(storageKey, key, resourceVersion, stamped);
    const record: StoredRecord = { object: stamped, resourceVersion, serialized: new Map() };
    let bucket = this.buckets.get(storageKey);
    if (!bucket) {
      bucket = new Map();
      this.buckets.set(storageKey, bucket);
    }
    const previous = bucket.get(key);
    if (!previous) {
      const keys = this.sortedKeys.get(storageKey);
      keys?.splice(lowerBound(keys, key), 0, key);
    }
    bucket.set(key, record);
    this.emit({ type: previous ? 'MODIFIED' : 'ADDED', storageKey, record, previous });
    return record;
  }

  /** Removes `key`; the DELETED event carries its last state at a new resourceVersion. */
  remove(storageKey: string, key: string): StoredRecord | undefined {
    const bucket = this.buckets.get(storageKey);
    const previous = bucket?.get(key);
    if (!bucket || !previous) return undefined;
    const resourceVersion = ++this.revision;
    this.beforeCommit(storageKey, key, resourceVersion, undefined);
    bucket.delete(key);
    const keys = this.sortedKeys.get(storageKey);
    keys?.splice(lowerBound(keys, key), 1);
    const record: StoredRecord = {
      object: {
        ...previous.object,
        metadata: { ...previous.object.metadata, resourceVersion: String(resourceVersion) },
      },
      resourceVersion,
      serialized: new Map(),
    };
    this.emit({ type: 'DELETED', storageKey, record, previous });
    return record;
  }

  /**
   * Events of one bucket after `resourceVersion`, oldest first, or `undefined` when that
   * version has left the window (the caller answers 410 Gone).
   */
  eventsSince(storageKey: string, resourceVersion: number): StoreEvent[] | undefined {
    if (resourceVersion < this.oldestWatchableVersion) return undefined;
    const result: StoreEvent[] = [];
    let low = this.eventStart;
    let high = this.events.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.events[middle] as StoreEvent).record.resourceVersion <= resourceVersion) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    for (let index = low; index < this.events.length; index++) {
      const event = this.events[index] as StoreEvent;
      if (event.storageKey === storageKey) result.push(event);
    }
    return result;
  }

  /** Subscribes to one bucket's changes; returns the unsubscribe function. */
  subscribe(storageKey: string, listener: StoreListener): () => void {
    let set = this.listeners.get(storageKey);
    if (!set) {
      set = new Set();
      this.listeners.set(storageKey, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Subscribes to every bucket's changes (garbage collection, snapshots). */
  subscribeAll(listener: StoreListener): () => void {
    this.globalListeners.add(listener);
    return () => this.globalListeners.delete(listener);
  }

  /** Restores a snapshot: objects keep their resourceVersions; the event log starts empty. */
  restore(
    revision: number,
    entries: Iterable<{ storageKey: string; key: string; object: KubeObject }>,
  ): void {
    for (const { storageKey, key, object } of entries) {
      let bucket = this.buckets.get(storageKey);
      if (!bucket) {
        bucket = new Map();
        this.buckets.set(storageKey, bucket);
      }
      const resourceVersion = Number(object.metadata?.resourceVersion ?? 0);
      bucket.set(key, { object, resourceVersion, serialized: new Map() });
    }
    this.sortedKeys.clear();
    this.revision = Math.max(this.revision, revision);
  }

  /** Runs the commit hook; when it throws, the claimed resourceVersion is given back. */
  private beforeCommit(
    storageKey: string,
    key: string,
    resourceVersion: number,
    object: KubeObject | undefined,
  ): void {
    if (!this.commitHook) return;
    try {
      this.commitHook({ storageKey, key, resourceVersion, object });
    } catch (error) {
      this.revision = resourceVersion - 1;
      throw error;
    }
  }

  private emit(event: StoreEvent): void {
    this.events.push(event);
    if (this.events.length - this.eventStart > this.eventWindow) {
      this.eventStart++;
      // Compact now and then rather than shifting the array on every write.
      if (this.eventStart > this.eventWindow) {
        this.events.splice(0, this.eventStart);
        this.eventStart = 0;
      }
    }
    const listeners = this.listeners.get(event.storageKey);
    if (listeners) for (const listener of listeners) listener(event);
    for (const listener of this.globalListeners) listener(event);
  }
}

function lowerBound(sorted: readonly string[], value: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as string) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
