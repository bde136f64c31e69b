import type { FastifyPluginAsync } from 'fastify';

import type { StreamEventName, StreamEvents } from '../../shared/api/streamSchemas.ts';
import { watchCaller } from '../auth/watchCaller.ts';
import type { KubeCache } from '../k8s/KubeCache.ts';
import type { ClusterIndex } from '../services/ClusterIndex.ts';
import { scopeOf } from '../services/ClusterService.ts';

/** Seconds between SSE comment lines that keep proxies from closing an idle stream. */
const heartbeatMs = 15_000;
/** Inventory and template notices are coalesced to one per this many ms. */
const coalesceMs = 1_000;

/** Options of {@link streamRoutes}. */
export interface StreamRoutesOptions {
  cache: Pick<KubeCache, 'subscribe'>;
  index: Pick<ClusterIndex, 'subscribe'>;
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
export const streamRoutes: FastifyPluginAsync<StreamRoutesOptions> = async (
  app,
  { cache, index, recheckIntervalMs },
) => {
  app.get('/api/v1/stream', async (request, reply) => {
    const user = request.user;
    if (!user) return reply.code(401).send();
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
