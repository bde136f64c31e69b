import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import type { FastifyInstance } from 'fastify';
import { Check } from 'typebox/value';
import { type RawData, WebSocketServer } from 'ws';

import { TeamName } from '../../shared/api/adminSchemas.ts';
import { SessionInfo } from '../../shared/api/authSchemas.ts';
import { ClusterName } from '../../shared/api/clusterSchemas.ts';
import { authorize } from '../auth/authorize.ts';
import type { KubeCache } from '../k8s/KubeCache.ts';
import type { ServiceProxyUpgrade } from '../k8s/serviceProxyRequest.ts';

/**
 * `GET /api/v1/clusters/{team}/{name}/dashboard/api/jobs/{id}/logs/tail` as a WebSocket: the one
 * dashboard route Ray's CLI opens as a WebSocket (`ray job submit` / `ray job logs --follow`).
 */
const tailPath =
  /^\/api\/v1\/clusters\/([^/?]+)\/([^/?]+)\/dashboard\/api\/jobs\/([A-Za-z0-9][-A-Za-z0-9_.]{0,127})\/logs\/tail$/;

/**
 * Passes WebSocket upgrades of the Ray log tail through the dashboard proxy (ADR 0011): the caller
 * is authenticated as any API request is (the portal's own `/api/v1/auth/me` answers who it is,
 * from the bearer token or the session cookie; cookies also need a same-origin `Origin`), must
 * read the cluster's team, and the cluster must exist; then the portal opens the same path on
 * the head through the Kubernetes service proxy and pipes frames both ways. Each connection is
 * audited (opened or refused). Any other upgrade is refused.
 */
export function passLogTailUpgrades(
  app: FastifyInstance,
  options: { upgrade: ServiceProxyUpgrade; cache: Pick<KubeCache, 'get'> },
): void {
  const sockets = new WebSocketServer({ noServer: true });
  const refuse = (socket: Duplex, status: number, text: string) => {
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
    );
  };
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://portal');
      const match = tailPath.exec(url.pathname);
      const team = decodeURIComponent(match?.[1] ?? '');
      const name = decodeURIComponent(match?.[2] ?? '');
      if (!match || !Check(TeamName, team) || !Check(ClusterName, name)) {
        return refuse(socket, 404, 'Not Found');
      }
      const cookie = request.headers.cookie;
      const authorization = request.headers.authorization;
      if (!authorization && cookie) {
        // A browser sends cookies with cross-site WebSockets: only same-origin pages may use them.
        const origin = request.headers.origin;
        const host = request.headers.host;
        if (!origin || !host || new URL(origin).host !== host) {
          return refuse(socket, 403, 'Forbidden');
        }
      }
      const me = await app.inject({
        method: 'GET',
        url: '/api/v1/auth/me',
        headers: {
          ...(authorization ? { authorization } : {}),
          ...(cookie ? { cookie } : {}),
        },
      });
      const session: unknown = me.statusCode === 200 ? me.json() : undefined;
      if (!Check(SessionInfo, session)) return refuse(socket, 401, 'Unauthorized');
      const user = session.user;
      const audit = (result: 'success' | 'failure' | 'denied', statusCode: number) =>
        app.auditLog.record({
          actor: user.username,
          actorRole: user.role,
          action: result === 'denied' ? 'cluster.dashboard.refused' : 'cluster.dashboard.logTail',
          targetKind: 'raycluster',
          targetNamespace: team,
          targetName: name,
          result,
          statusCode,
          sourceIp: request.socket.remoteAddress ?? null,
          requestId: null,
          details: { upstreamPath: `/api/jobs/${match[3] ?? ''}/logs/tail`, websocket: true },
        });
      if (!authorize(user, 'read', team) || !options.cache.get('RayCluster', team, name)) {
        await audit('denied', 404);
        return refuse(socket, 404, 'Not Found');
      }
      let upstream;
      try {
        upstream = await options.upgrade({
          namespace: team,
          service: `${name}-head-svc`,
          port: 'dashboard',
          path: `/api/jobs/${match[3] ?? ''}/logs/tail`,
          headers: { 'x-raydeck-user': user.username, 'user-agent': 'raydeck-portal' },
        });
      } catch {
        await audit('failure', 502);
        return refuse(socket, 502, 'Bad Gateway');
      }
      await audit('success', 101);
      sockets.handleUpgrade(request, socket, head, (client) => {
        const forward =
          (to: { send: (data: RawData, options: { binary: boolean }) => void }) =>
          (data: RawData, binary: boolean) =>
            to.send(data, { binary });
        upstream.on('message', forward(client));
        client.on('message', forward(upstream));
        upstream.on('close', () => client.close());
        client.on('close', () => upstream.close());
        upstream.on('error', () => client.terminate());
        client.on('error', () => upstream.terminate());
      });
      return undefined;
    })().catch(() => refuse(socket, 500, 'Internal Server Error'));
  };
  app.server.on('upgrade', onUpgrade);
  app.addHook('onClose', async () => {
    app.server.off('upgrade', onUpgrade);
    for (const client of sockets.clients) client.terminate();
    sockets.close();
  });
}
