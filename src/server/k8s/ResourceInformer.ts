import { type KubeConfig, Watch } from '@kubernetes/client-node';

import { fieldOf } from './k8sErrors.ts';

/** What an informer reads of an object: its identity and version. */
export interface InformedObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

/**
 * A page of a list call. The continue token is `metadata.continue` on the wire and in custom
 * object calls, but client-node 1.4's typed calls (CoreV1Api…) rename it `_continue`; both are
 * read, so no list function can silently stop after the first page.
 */
export interface ListResponse<T> {
  items: readonly T[];
  metadata?: { resourceVersion?: string; continue?: string; _continue?: string };
}

/** The token of a list page's next page, whichever name the list call gave it. */
export function continueTokenOf(page: Pick<ListResponse<unknown>, 'metadata'>): string | undefined {
  return page.metadata?.continue || page.metadata?._continue || undefined;
}

/** The paging parameters of a list call, in client-node's object-param names. */
export interface ListPageQuery {
  limit: number;
  _continue?: string;
}

/** Objects per page of a list, as client-go's pager uses (500). */
export const listPageSize = 500;

/** Timing hooks, injectable so tests need not sleep. */
export interface InformerTiming {
  now: () => number;
  /** Waits `ms` milliseconds (or until the informer stops). */
  sleep: (ms: number) => Promise<void>;
  setTimer: (ms: number, callback: () => void) => () => void;
}

/** Counters and gauges an informer reports; wired to prom-client by the caller. */
export interface InformerObserver {
  onRestart?: (informer: string, reason: 'error' | 'stale' | 'expired' | 'closed') => void;
  onEvent?: (informer: string, type: string) => void;
  onRelist?: (informer: string, items: number, milliseconds: number) => void;
  onError?: (informer: string, error: unknown) => void;
}

/** Options for {@link ResourceInformer}. */
export interface ResourceInformerOptions<T> {
  /** Short name for logs and metrics, e.g. `rayclusters`. */
  name: string;
  kubeConfig: KubeConfig;
  /** Collection path to watch, e.g. `/apis/ray.io/v1/rayclusters`. */
  watchPath: string;
  /** Lists one page of the collection (same selectors as the watch). */
  list: (page: ListPageQuery) => Promise<ListResponse<T>>;
  labelSelector?: string;
  fieldSelector?: string;
  /**
   * Shrinks each object before it is cached (as client-go's SetTransform), e.g. keeping only the
   * resource requests of pods that are not Ray pods. Default: keep the object as received.
   */
  transform?: (object: T) => T;
  /** First retry delay after an error, in ms. Default 1,000. */
  initialBackoffMs?: number;
  /** Cap of the retry delay, in ms. Default 30,000. */
  maxBackoffMs?: number;
  /**
   * A watch that delivers no event and no bookmark for this long is presumed dead and
   * restarted. Default 120,000 ms (API servers send bookmarks about once a minute).
   */
  staleAfterMs?: number;
  timing?: Partial<InformerTiming>;
  observer?: InformerObserver;
}

type Listener<T> = {
  upsert: (object: T, previous: T | undefined) => void;
  delete: (object: T) => void;
  synced: () => void;
};

const realTiming: InformerTiming = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()),
  setTimer: (ms, callback) => {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

function keyOf(object: InformedObject): string {
  const meta = object.metadata ?? {};
  return meta.namespace ? `${meta.namespace}/${meta.name ?? ''}` : (meta.name ?? '');
}

/** 410 Gone, however the failing call reported it (KubeApiError, Watch error, Status event). */
function isExpired(error: unknown): boolean {
  return (
    fieldOf(error, 'status') === 410 ||
    fieldOf(error, 'statusCode') === 410 ||
    fieldOf(error, 'code') === 410
  );
}

/**
 * One watch event, by what the informer does with it: `ERROR` carries a Status (its `code`, e.g.
 * 410), not an object; `BOOKMARK` only a resourceVersion; every other type (ADDED, MODIFIED,
 * DELETED, and any a newer API server adds) changes one object.
 */
export type WatchEvent<T> =
  | { type: 'error'; status: unknown }
  | { type: 'bookmark'; object: InformedObject }
  | { type: 'change'; deleted: boolean; object: T };

/**
 * The {@link WatchEvent} of a watch callback's type and object (for `ERROR`, the object is in
 * fact a Status, which is why it is then read only as `unknown`).
 */
export function watchEventOf<T extends InformedObject>(type: string, object: T): WatchEvent<T> {
  if (type === 'ERROR') return { type: 'error', status: object };
  if (type === 'BOOKMARK') return { type: 'bookmark', object };
  return { type: 'change', deleted: type === 'DELETED', object };
}

/**
 * A supervised list-and-watch cache of one collection. client-node 1.4's own ListWatch stops
 * on the first error and has no backoff or staleness detection, so this supplies them:
 * - lists, then watches from the list's resourceVersion with bookmarks;
 * - on a closed watch, resumes from the last resourceVersion seen;
 * - on 410 Gone (a `ERROR` event or status), relists and emits the differences;
 * - on errors, retries with capped exponential backoff (1 s → 30 s by default);
 * - restarts a watch that has gone quiet for `staleAfterMs`.
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
 */
export class ResourceInformer<T extends InformedObject> {
  readonly name: string;
  private readonly options: ResourceInformerOptions<T>;
  private readonly timing: InformerTiming;
  private readonly cache = new Map<string, T>();
  private readonly listeners: { [K in keyof Listener<T>]: Listener<T>[K][] } = {
    upsert: [],
    delete: [],
    synced: [],
  };
  private resourceVersion = '';
  private stopped = true;
  private abort: AbortController | undefined;
  private hasSynced = false;
  private lastActivity = 0;
  private lastErrorText: string | undefined;
  private loop: Promise<void> | undefined;
  /** Consecutive failures; reset once a list or watch succeeds. */
  private failures = 0;

  constructor(options: ResourceInformerOptions<T>) {
    this.name = options.name;
    this.options = options;
    this.timing = { ...realTiming, ...options.timing };
  }

  on<K extends keyof Listener<T>>(event: K, listener: Listener<T>[K]): () => void {
    const list: Listener<T>[K][] = this.listeners[event];
    list.push(listener);
    return () => {
      list.splice(list.indexOf(listener), 1);
    };
  }

  /** True once the first list has been loaded; stays true across restarts. */
  get synced(): boolean {
    return this.hasSynced;
  }

  /** Milliseconds since the last list, event or bookmark (for staleness readiness and metrics). */
  get idleMs(): number {
    return this.lastActivity === 0
      ? Number.POSITIVE_INFINITY
      : this.timing.now() - this.lastActivity;
  }

  /** The last error, while the informer is retrying; cleared by the next success. */
  get lastError(): string | undefined {
    return this.lastErrorText;
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.cache.get(namespace ? `${namespace}/${name}` : name);
  }

  list(): T[] {
    return [...this.cache.values()];
  }

  get size(): number {
    return this.cache.size;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
    await this.loop;
  }

  /** Resolves when synced (or rejects after `timeoutMs`). */
  waitForSync(timeoutMs = 30_000): Promise<void> {
    if (this.hasSynced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const cancel = this.timing.setTimer(timeoutMs, () =>
        reject(
          new Error(
            `${this.name} informer did not sync within ${timeoutMs} ms: ${this.lastErrorText ?? 'no answer'}`,
          ),
        ),
      );
      const off = this.on('synced', () => {
        cancel();
        off();
        resolve();
      });
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.resourceVersion) await this.relist();
        const outcome = await this.watchOnce();
        this.options.observer?.onRestart?.(this.name, outcome);
      } catch (error) {
        if (this.stopped) return;
        if (isExpired(error)) {
          this.resourceVersion = '';
          this.options.observer?.onRestart?.(this.name, 'expired');
          continue;
        }
        this.failures++;
        const message = fieldOf(error, 'message');
        this.lastErrorText = typeof message === 'string' ? message : String(error);
        this.options.observer?.onError?.(this.name, error);
        this.options.observer?.onRestart?.(this.name, 'error');
        const initial = this.options.initialBackoffMs ?? 1000;
        const delay = Math.min(
          this.options.maxBackoffMs ?? 30_000,
          initial * 2 ** (this.failures - 1),
        );
        // Jitter of ±20% keeps many replicas from retrying in lockstep.
        await this.timing.sleep(delay * (0.8 + Math.random() * 0.4));
      }
    }
  }

  /**
   * Lists the collection page by page, shrinking each page with `transform` before asking for the
   * next, so the portal never holds a whole fleet's full objects at once. The list's
   * resourceVersion is the first page's: Kubernetes serves every page of a list at that version.
   */
  private async relist(): Promise<void> {
    const started = this.timing.now();
    const seen = new Set<string>();
    let resourceVersion: string | undefined;
    let continueToken: string | undefined;
    do {
      const page = await this.options.list({
        limit: listPageSize,
        ...(continueToken ? { _continue: continueToken } : {}),
      });
      resourceVersion ??= page.metadata?.resourceVersion;
      continueToken = continueTokenOf(page);
      for (const received of page.items) {
        const item = this.options.transform ? this.options.transform(received) : received;
        const key = keyOf(item);
        seen.add(key);
        const previous = this.cache.get(key);
        if (previous?.metadata?.resourceVersion === item.metadata?.resourceVersion) continue;
        this.cache.set(key, item);
        for (const listener of this.listeners.upsert) listener(item, previous);
      }
    } while (continueToken);
    for (const [key, object] of this.cache) {
      if (seen.has(key)) continue;
      this.cache.delete(key);
      for (const listener of this.listeners.delete) listener(object);
    }
    this.resourceVersion = resourceVersion ?? '';
    this.lastActivity = this.timing.now();
    this.recovered();
    this.options.observer?.onRelist?.(this.name, seen.size, this.timing.now() - started);
    if (!this.hasSynced) {
      this.hasSynced = true;
      // A copy: waitForSync's listeners remove themselves, which would skip the next one.
      for (const listener of [...this.listeners.synced]) listener();
    }
  }

  /** A list or watch succeeded: the backoff starts over and the last error is cleared. */
  private recovered(): void {
    this.failures = 0;
    this.lastErrorText = undefined;
  }

  /** One watch connection; resolves with why it ended, rejects on errors (410 included). */
  private watchOnce(): Promise<'stale' | 'closed'> {
    return new Promise((resolve, reject) => {
      let stale = false;
      let expiredError: Error | undefined;
      let cancelStaleTimer = () => {};
      const staleAfterMs = this.options.staleAfterMs ?? 120_000;
      const armStaleTimer = () => {
        cancelStaleTimer();
        cancelStaleTimer = this.timing.setTimer(staleAfterMs, () => {
          stale = true;
          this.abort?.abort();
        });
      };
      // The object is the API server's JSON of the watched collection, trusted to be a `T` as a
      // list's items are (client-node types it `any`).
      const onEvent = (type: string, received: T) => {
        const event = watchEventOf(type, received);
        const object =
          event.type === 'change' && this.options.transform
            ? this.options.transform(event.object)
            : undefined;
        this.lastActivity = this.timing.now();
        armStaleTimer();
        this.options.observer?.onEvent?.(this.name, type);
        if (event.type === 'error') {
          const code = fieldOf(event.status, 'code');
          if (code === 410) {
            expiredError = Object.assign(new Error('watch expired (410 Gone)'), {
              statusCode: 410,
            });
          } else {
            expiredError = Object.assign(
              new Error(`watch error: ${JSON.stringify(event.status)}`),
              { statusCode: code },
            );
          }
          this.abort?.abort();
          return;
        }
        const version = (object ?? event.object).metadata?.resourceVersion;
        if (version) this.resourceVersion = version;
        if (event.type === 'bookmark') return;
        const changed = object ?? event.object;
        const key = keyOf(changed);
        if (event.deleted) {
          const previous = this.cache.get(key) ?? changed;
          this.cache.delete(key);
          for (const listener of this.listeners.delete) listener(previous);
          return;
        }
        const previous = this.cache.get(key);
        this.cache.set(key, changed);
        for (const listener of this.listeners.upsert) listener(changed, previous);
      };
      const onDone = (error: unknown) => {
        cancelStaleTimer();
        if (expiredError) return reject(expiredError);
        if (stale) return resolve('stale');
        if (this.stopped) return resolve('closed');
        const aborted = fieldOf(error, 'name') === 'AbortError';
        if (error && !aborted) return reject(error);
        resolve('closed');
      };
      armStaleTimer();
      new Watch(this.options.kubeConfig)
        .watch(
          this.options.watchPath,
          {
            resourceVersion: this.resourceVersion,
            allowWatchBookmarks: true,
            ...(this.options.labelSelector ? { labelSelector: this.options.labelSelector } : {}),
            ...(this.options.fieldSelector ? { fieldSelector: this.options.fieldSelector } : {}),
          },
          onEvent,
          onDone,
        )
        .then((controller) => {
          this.abort = controller;
          if (!controller.signal.aborted) this.recovered();
          if (this.stopped) controller.abort();
        }, reject);
    });
  }
}
