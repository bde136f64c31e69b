import { type IncomingMessage, request as httpRequest, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

import { connectionPair } from './ForwardedConnection.ts';
import type { PodPortRegistry } from './PodPortRegistry.ts';
import type { KubeObject } from './resourceType.ts';
import { badRequest, serviceUnavailable } from './statusError.ts';

/**
 * `pods/{name}[:{port}]/proxy/{path}`: the API server's proxy to a pod's port, here to what the
 * sandbox simulates on it (PodPortRegistry), over an in-process connection. As upstream's
 * `pod.ResourceLocation`: the port defaults to the pod's first declared container port, a pod
 * without an IP is `address not allowed` (400), and a port nothing listens on answers 503
 * `error trying to reach service: dial tcp <ip>:<port>: connect: connection refused`. Requests
 * lose the hop-by-hop headers and the caller's `Authorization` (the API server consumes it).
 */

/** A pod proxy request, resolved: where to connect and what to send. */
export interface PodProxyTarget {
  namespace: string;
  pod: KubeObject;
  /** `name[:port]` as in the URL. */
  nameAndPort: string;
  /** The raw request path (`/api/v1/namespaces/…/pods/…/proxy/…`). */
  pathname: string;
  search: string;
  ports: PodPortRegistry;
}

const hopByHopHeaders = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'authorization',
]);

/** Proxies a plain HTTP request to the pod's port. */
export function proxyToPod(
  request: IncomingMessage,
  response: ServerResponse,
  target: PodProxyTarget,
): void {
  const connection = connect(target);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && !hopByHopHeaders.has(name)) headers[name] = value;
  }
  const outgoing = httpRequest(
    {
      method: request.method ?? 'GET',
      path: `${podProxySubpath(target.pathname)}${target.search}`,
      headers,
      createConnection: () => connection as never,
    },
    (upstream) => {
      const returned: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(upstream.headers)) {
        if (value !== undefined && !hopByHopHeaders.has(name)) returned[name] = value;
      }
      response.writeHead(upstream.statusCode ?? 502, returned);
      upstream.pipe(response);
    },
  );
  outgoing.on('error', () => {
    if (!response.headersSent) response.writeHead(502);
    response.end();
  });
  request.pipe(outgoing);
}

/**
 * Proxies an upgrade request (a WebSocket) to the pod's port: the request head is written to
 * the connection with the path after `/proxy`, then bytes flow both ways, as upstream's
 * upgrade-aware proxy does.
 */
export function proxyUpgradeToPod(
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: PodProxyTarget,
): void {
  const connection = connect(target);
  const lines = [
    `${request.method ?? 'GET'} ${podProxySubpath(target.pathname)}${target.search} HTTP/1.1`,
  ];
  for (let index = 0; index + 1 < request.rawHeaders.length; index += 2) {
    const name = request.rawHeaders[index] ?? '';
    if (name.toLowerCase() === 'authorization') continue;
    lines.push(`${name}: ${request.rawHeaders[index + 1] ?? ''}`);
  }
  connection.write(`${lines.join('\r\n')}\r\n\r\n`);
  if (head.length > 0) connection.write(head);
  socket.pipe(connection);
  connection.pipe(socket);
  socket.once('close', () => connection.destroy());
  connection.once('close', () => socket.destroy());
}

/** Connects to the target's port; throws the API server's error when that is not possible. */
function connect(target: PodProxyTarget): Duplex {
  const [name, portText] = splitNameAndPort(target.nameAndPort);
  const pod = target.pod;
  const podIp = (pod['status'] as { podIP?: string } | undefined)?.podIP ?? '';
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(podIp) && !podIp.includes(':'))
    throw badRequest('address not allowed');
  const containers =
    (pod['spec'] as { containers?: { ports?: { containerPort?: number }[] }[] } | undefined)
      ?.containers ?? [];
  const declared = containers.find((container) => (container.ports ?? []).length > 0)?.ports?.[0]
    ?.containerPort;
  const port = portText !== undefined ? Number(portText) : (declared ?? 80);
  const host = podIp.includes(':') ? `[${podIp}]` : podIp;
  const [client, server] = connectionPair();
  const listener = Number.isInteger(port)
    ? target.ports.find(target.namespace, name, port)
    : undefined;
  if (!listener?.(server)) {
    client.destroy();
    throw serviceUnavailable(
      `error trying to reach service: dial tcp ${host}:${portText ?? port}: connect: connection refused`,
    );
  }
  return client;
}

/** `name`, `name:port` or `scheme:name:port` (upstream's `SplitSchemeNamePort`). */
export function splitNameAndPort(value: string): [string, string | undefined] {
  const parts = value.split(':');
  if (parts.length === 3) return [parts[1] ?? '', parts[2] || undefined];
  return [parts[0] ?? '', parts[1] || undefined];
}

/** What follows `/pods/{name}/proxy` in a raw path, with at least a `/`. */
function podProxySubpath(pathname: string): string {
  const nameStart = pathname.indexOf('/pods/') + '/pods/'.length;
  const proxyStart = pathname.indexOf('/', nameStart) + '/proxy'.length;
  return pathname.slice(proxyStart) || '/';
}
