import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

import type { PodPortListener } from '../apiserver/PodPortRegistry.ts';
import type { ProxyHandler, ProxyUpgradeHandler } from '../apiserver/serviceProxy.ts';
import { pythonJsonDumps } from './pythonJson.ts';

/** What a Ray head listens on, as port-forward sees it. */
export interface RayHeadPortListeners {
  /** The dashboard (8265): the simulated dashboard's HTTP and WebSocket handlers. */
  dashboard: PodPortListener;
  /** The Ray client server (10001): accepts, then closes with an HTTP/2 GOAWAY saying why. */
  client: PodPortListener;
  /** Serve's HTTP proxy (8000): listens only while Serve runs. */
  serve: PodPortListener;
  /**
   * The same Serve proxy as an HTTP handler, for the Kubernetes service proxy of
   * `<s>-serve-svc:serve` (503 "no endpoints" while Serve runs no proxy).
   */
  serveHttp: ProxyHandler;
}

/** What the listeners read from a head. */
export interface RayHeadPortSource {
  handler: ProxyHandler;
  upgradeHandler: ProxyUpgradeHandler;
  /** `GET /api/serve/applications/`'s body (Ray's ServeInstanceDetails). */
  serveApplications: () => Record<string, unknown>;
}

/** Why the Ray client port closes every connection (the GOAWAY's debug text). */
export const rayClientNotSimulatedText =
  'the Raydeck sandbox does not simulate the Ray client server (ray.init("ray://…") on port 10001); submit work through the Jobs API on the dashboard port 8265';

/**
 * Listeners for a simulated head pod's ports: each forwarded connection is served by an
 * in-process `http.Server` that never listens on a socket (connections are handed to it), so
 * HTTP/1.1 keep-alive and WebSocket upgrades (the job log tail) behave as over TCP.
 */
export function rayHeadPortListeners(head: RayHeadPortSource): RayHeadPortListeners {
  const dashboard = createServer((request, response) =>
    head.handler(request, response, request.url ?? '/'),
  );
  dashboard.on('upgrade', (request: IncomingMessage, socket: Duplex, bytes: Buffer) =>
    head.upgradeHandler(request, socket, bytes, request.url ?? '/'),
  );
  // Requests answered per application, like each replica's `served` counter of serve_hello.
  const served = new Map<string, number>();
  const serve = createServer((request, response) => serveProxy(head, request, response, served));
  return {
    dashboard: (connection) => {
      dashboard.emit('connection', connection);
      return true;
    },
    client: (connection) => {
      connection.on('error', () => connection.destroy());
      connection.resume();
      connection.end(http2GoAway(rayClientNotSimulatedText));
      return true;
    },
    serveHttp: (request, response, path) => {
      const proxies = head.serveApplications()['proxies'] as Record<string, unknown> | undefined;
      if (Object.keys(proxies ?? {}).length === 0) {
        response.writeHead(503, { 'content-type': 'text/plain' });
        response.end('no endpoints available for service: Serve runs no HTTP proxy');
        return;
      }
      request.url = path;
      serveProxy(head, request, response, served);
    },
    serve: (connection) => {
      const proxies = head.serveApplications()['proxies'] as Record<string, unknown> | undefined;
      if (Object.keys(proxies ?? {}).length === 0) return false;
      serve.emit('connection', connection);
      return true;
    },
  };
}

/**
 * Serve's HTTP proxy without the applications' code: `/-/healthz` and `/-/routes` as Ray
 * answers them, Ray's 404 for a path no application's route prefix matches, and 503 with the
 * sandbox's reason for one that matches (nothing runs the application).
 */
function serveProxy(
  head: RayHeadPortSource,
  request: IncomingMessage,
  response: ServerResponse,
  served: Map<string, number>,
) {
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  const applications = (head.serveApplications()['applications'] ?? {}) as Record<
    string,
    {
      route_prefix?: string | null;
      status?: string;
      deployed_app_config?: { import_path?: unknown } | null;
    }
  >;
  const routes = Object.entries(applications)
    .filter(([, app]) => typeof app.route_prefix === 'string')
    .map(([name, app]) => ({
      name,
      prefix: app.route_prefix as string,
      status: app.status,
      importPath: String(app.deployed_app_config?.import_path ?? ''),
    }));
  const text = (status: number, body: string, type = 'text/plain; charset=utf-8'): void => {
    response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
    response.end(body);
  };
  if (path === '/-/healthz') return text(200, 'success');
  if (path === '/-/routes') {
    const table = Object.fromEntries(
      routes
        .filter((route) => route.status === 'RUNNING')
        .map((route) => [route.prefix, route.name]),
    );
    return text(200, pythonJsonDumps(table), 'application/json');
  }
  const matched = routes
    .filter(
      (route) =>
        path === route.prefix ||
        route.prefix === '/' ||
        path.startsWith(`${route.prefix.replace(/\/$/, '')}/`),
    )
    .sort((a, b) => b.prefix.length - a.prefix.length)[0];
  if (!matched) {
    return text(404, `Path '${path}' not found. Ping http://.../-/routes for available routes.`);
  }
  // workloads/serve_hello.py's app answers as the real one does (its GREETING, the `name`
  // query parameter, the replica's host, a served count); only while the app is RUNNING.
  if (/(^|\.)serve_hello:/.test(matched.importPath) && matched.status === 'RUNNING') {
    const count = (served.get(matched.name) ?? 0) + 1;
    served.set(matched.name, count);
    const name = new URL(request.url ?? '/', 'http://serve').searchParams.get('name') ?? 'world';
    return text(
      200,
      JSON.stringify({
        message: `hello from Ray Serve, ${name}`,
        host: 'raydeck-sandbox-head',
        served: count,
      }),
      'application/json',
    );
  }
  return text(
    503,
    `The Raydeck sandbox simulates Serve application '${matched.name}' (route prefix '${matched.prefix}', status ${matched.status ?? 'UNKNOWN'}) without running its code, so it cannot answer requests.`,
  );
}

/**
 * The server's HTTP/2 preface (an empty SETTINGS frame) and a GOAWAY (last stream 0,
 * INTERNAL_ERROR) whose debug data gRPC clients print: the Ray client speaks gRPC.
 */
function http2GoAway(reason: string): Buffer {
  const frame = (type: number, payload: Buffer): Buffer => {
    const header = Buffer.alloc(9);
    header.writeUIntBE(payload.length, 0, 3);
    header[3] = type;
    return Buffer.concat([header, payload]);
  };
  const goAway = Buffer.alloc(8);
  goAway.writeUInt32BE(0, 0);
  goAway.writeUInt32BE(2, 4);
  return Buffer.concat([
    frame(4, Buffer.alloc(0)),
    frame(7, Buffer.concat([goAway, Buffer.from(reason, 'utf8')])),
  ]);
}
