import type { IncomingMessage, ServerResponse } from 'node:http';

import type { ListOptions, ObjectApi } from './objectApi.ts';
import type { StoredRecord, StoreEvent, WatchEventType } from './objectStore.ts';
import { groupVersionOf, type ResourceType } from './resourceType.ts';
import { expired } from './statusError.ts';

/** Options of one watch request. */
export interface WatchRequest {
  api: ObjectApi;
  type: ResourceType;
  filter: Pick<ListOptions, 'namespace' | 'labelSelector' | 'fieldSelector'>;
  /** Undefined or `0`: start with ADDED events for the current state, as Kubernetes does. */
  resourceVersion: string | undefined;
  allowBookmarks: boolean;
  /** Closes the stream after this many seconds. Default 1,800 (Kubernetes picks 30–60 min). */
  timeoutSeconds: number | undefined;
  /**
   * `sendInitialEvents=true` (streaming lists, the WatchList feature client-go 1.35 uses by
   * default): current objects as ADDED events, then a BOOKMARK annotated
   * `k8s.io/initial-events-end: "true"`, then changes.
   */
  sendInitialEvents?: boolean;
  /** Milliseconds between BOOKMARK events when allowed. Default 15,000. */
  bookmarkIntervalMs?: number;
  /**
   * Writes each event's object in another form: a one-row Table when `kubectl get -w` asks for
   * `as=Table` (not cached: it carries ages). Default: the object itself.
   */
  eventObject?: (record: StoredRecord) => string;
}

/**
 * A watcher whose socket holds more than this many unsent bytes is closed: it is too slow, and a
 * real API server drops it the same way. The client re-watches from its last resourceVersion.
 */
const slowWatcherBytes = 16 * 1024 * 1024;

/**
 * Streams newline-delimited watch events for one resource. Each event's line is serialised once
 * per served version and shared by every watcher, so fan-out to many watchers costs one string,
 * not one copy per watcher.
 */
export function serveWatch(
  request: IncomingMessage,
  response: ServerResponse,
  watch: WatchRequest,
): void {
  const { api, type } = watch;
  response.writeHead(200, {
    'content-type': 'application/json',
    'cache-control': 'no-cache, private',
    'transfer-encoding': 'chunked',
  });
  response.flushHeaders();

  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe?.();
    clearInterval(bookmarkTimer);
    clearTimeout(timeoutTimer);
    response.end();
  };
  const send = (line: string) => {
    if (closed) return;
    response.write(line);
    if (response.writableLength > slowWatcherBytes) close();
  };

  const resumeFrom =
    watch.resourceVersion && watch.resourceVersion !== '0' && !watch.sendInitialEvents
      ? Number(watch.resourceVersion)
      : undefined;
  if (resumeFrom === undefined) {
    for (const record of api.store.list(
      type.storageKey,
      type.namespaced ? watch.filter.namespace : undefined,
    )) {
      if (api.matches(type, record, watch.filter)) send(eventLine(watch, 'ADDED', record));
    }
    if (watch.sendInitialEvents) {
      send(bookmarkLine(api, type, { 'k8s.io/initial-events-end': 'true' }));
    }
  } else {
    const missed = Number.isFinite(resumeFrom)
      ? api.store.eventsSince(type.storageKey, resumeFrom)
      : undefined;
    if (!missed) {
      const status = expired(
        `too old resource version: ${watch.resourceVersion} (${api.store.oldestWatchableVersion})`,
      ).toBody();
      send(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
      close();
      return;
    }
    for (const event of missed) deliver(event);
  }

  function deliver(event: StoreEvent): void {
    // A watch from a future resourceVersion starts once the store passes it, as in Kubernetes.
    if (resumeFrom !== undefined && event.record.resourceVersion <= resumeFrom) return;
    const matchesNow = api.matches(type, event.record, watch.filter);
    if (event.type === 'ADDED') {
      if (matchesNow) send(eventLine(watch, 'ADDED', event.record));
      return;
    }
    if (event.type === 'DELETED') {
      const matchedBefore = event.previous
        ? api.matches(type, event.previous, watch.filter)
        : matchesNow;
      if (matchedBefore) send(eventLine(watch, 'DELETED', event.record));
      return;
    }
    const matchedBefore = event.previous ? api.matches(type, event.previous, watch.filter) : false;
    // An object that moves across the selector boundary appears or disappears, as in Kubernetes.
    if (matchesNow && matchedBefore) send(eventLine(watch, 'MODIFIED', event.record));
    else if (matchesNow) send(eventLine(watch, 'ADDED', event.record));
    else if (matchedBefore) send(eventLine(watch, 'DELETED', event.record));
  }

  const unsubscribe: (() => void) | undefined = api.store.subscribe(type.storageKey, deliver);
  const bookmarkTimer = setInterval(() => {
    if (watch.allowBookmarks) send(bookmarkLine(api, type));
  }, watch.bookmarkIntervalMs ?? 15_000);
  bookmarkTimer.unref();
  const timeoutTimer = setTimeout(close, (watch.timeoutSeconds ?? 1800) * 1000);
  timeoutTimer.unref();
  request.on('close', close);
  response.on('close', close);
}

/** `{"type":…,"object":…}\n`, cached on the record per served version and event type. */
/** A BOOKMARK event at the store's current resourceVersion. */
function bookmarkLine(
  api: ObjectApi,
  type: ResourceType,
  annotations?: Record<string, string>,
): string {
  const metadata = {
    resourceVersion: String(api.store.resourceVersion),
    ...(annotations ? { annotations } : {}),
  };
  const object = { kind: type.kind, apiVersion: groupVersionOf(type), metadata };
  return `${JSON.stringify({ type: 'BOOKMARK', object })}\n`;
}

function eventLine(watch: WatchRequest, eventType: WatchEventType, record: StoredRecord): string {
  const { api, type } = watch;
  if (watch.eventObject) return `{"type":"${eventType}","object":${watch.eventObject(record)}}\n`;
  const cacheKey = `${groupVersionOf(type)}#${eventType}`;
  let line = record.serialized.get(cacheKey);
  if (line === undefined) {
    line = `{"type":"${eventType}","object":${api.serialize(type, record)}}\n`;
    record.serialized.set(cacheKey, line);
  }
  return line;
}
