import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { ApiErrorBody } from '../../shared/api/apiErrorBody.ts';
import {
  type StreamEventName,
  streamEventNames,
  type StreamEvents,
} from '../../shared/api/streamSchemas.ts';
import { watchCaller } from '../auth/watchCaller.ts';
import type { KubeCache } from '../k8s/KubeCache.ts';
import { sendApiError } from '../sendApiError.ts';
import type { ClusterIndex } from '../services/ClusterIndex.ts';
import { scopeOf } from '../services/ClusterService.ts';
import type { ConnectionHealth } from '../services/ConnectionHealth.ts';

/** Seconds between SSE comment lines that keep proxies from closing an idle stream. */
const heartbeatMs = 15_000;
/** Inventory and template notices are coalesced to one per this many ms. */
const coalesceMs = 1_000;

/** Options of {@link streamRoutes}. */
export interface StreamRoutesOptions {
  cache: Pick<KubeCache, 'subscribe'>;
  index: Pick<ClusterIndex, 'subscribe'>;
  /** The Kubernetes connection's health, sent as `connection` after `hello` and on change. */
  connection: Pick<ConnectionHealth, 'current' | 'subscribe'>;
  /**
   * Milliseconds between periodic re-checks of each stream's caller, on top of the immediate
   * re-check on every revocation announced in this process. Defaults to one minute.
   */
  recheckIntervalMs?: number;
}

/**
 * `GET /api/v1/stream`: Server-Sent Events pushed from the watch-fed cache the moment a change
 * arrives, filtered by what the caller may see (their teams' clusters; admins see all). The
 * stream ends as soon as its caller is revoked or changes scope (logout, token deleted, role or
 * teams changed, account disabled; see `watchCaller`), so the browser reconnects with its new
 * scope or finds itself signed out. Needs `authPlugin`.
 */
export const streamRoutes: FastifyPluginAsyncTypebox<StreamRoutesOptions> = async (
  app,
  { cache, index, connection, recheckIntervalMs },
) => {
  app.get('/api/v1/stream', { schema: streamRouteSchema }, async (request, reply) => {
    const user = request.user;
    if (!user) {
      return sendApiError(reply, {
        status: 401,
        reason: 'Unauthenticated',
        message: 'Sign in first.',
      });
    }
    const scope = scopeOf(user);
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let eventId = 0;
    const send = <K extends StreamEventName>(event: K, data: StreamEvents[K]) => {
      eventId++;
      response.write(`id: ${eventId}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    send('hello', { connectedAt: new Date().toISOString() });
    send('connection', connection.current());
    const unsubscribeConnection = connection.subscribe((state) => send('connection', state));

    const unsubscribeIndex = index.subscribe((change) => {
      if (scope === '*' || scope.has(change.summary.namespace)) send('cluster', change);
    });
    const pending = new Set<'inventory' | 'templates'>();
    let flushTimer: NodeJS.Timeout | undefined;
    const unsubscribeCache = cache.subscribe((change) => {
      if (change.kind === 'Node' || change.kind === 'Pod') pending.add('inventory');
      else if (change.kind === 'ConfigMap') pending.add('templates');
      else return;
      flushTimer ??= setTimeout(() => {
        flushTimer = undefined;
        const changedAt = new Date().toISOString();
        for (const name of pending) send(name, { changedAt });
        pending.clear();
      }, coalesceMs);
    });
    const heartbeat = setInterval(() => response.write(': keepalive\n\n'), heartbeatMs);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      if (flushTimer) clearTimeout(flushTimer);
      unsubscribeIndex();
      unsubscribeCache();
      unsubscribeConnection();
      stopWatching();
    };
    const stopWatching = watchCaller(
      request,
      () => {
        close();
        response.end();
      },
      { recheckIntervalMs },
    );
    request.raw.on('close', close);
    response.on('close', close);
    return reply;
  });
};

/** Name of the OpenAPI component schema of a stream event's data, e.g. `StreamEvent.hello`. */
export function streamEventSchemaName(event: StreamEventName): string {
  return `StreamEvent.${event}`;
}

/**
 * The stream's OpenAPI entry: an endless `text/event-stream`, its events listed in the
 * description with the component schema of each event's data (registered by buildServer).
 */
const streamRouteSchema = {
  tags: ['stream'],
  summary: 'Live updates (Server-Sent Events)',
  description: [
    'An endless `text/event-stream` of changes the caller may see, pushed from the watch-fed cache. Each message has `id`, `event` and one JSON `data` line; `: keepalive` comments come every 15 s. The stream ends when the caller is signed out or their access changes; reconnect (EventSource does) and refetch on `hello`.',
    '',
    '| event | data schema |',
    '| --- | --- |',
    ...streamEventNames.map(
      (event) =>
        `| \`${event}\` | [${streamEventSchemaName(event)}](#/components/schemas/${streamEventSchemaName(event)}) |`,
    ),
  ].join('\n'),
  response: {
    200: {
      description: 'Server-Sent Events: `event: <name>` and `data: <JSON>`.',
      content: { 'text/event-stream': { schema: Type.String() } },
    },
    401: ApiErrorBody,
  },
};
