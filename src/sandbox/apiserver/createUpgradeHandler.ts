import { type IncomingMessage, ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

import type { ApiRequestContext } from './apiRequestHandler.ts';
import { authenticateRequest } from './authenticateRequest.ts';
import { authorizeRequest } from './authorizeRequest.ts';
import { proxyUpgradeToPod, splitNameAndPort } from './proxyToPod.ts';
import { readyServicePort } from './readyServicePort.ts';
import type { ResourceType } from './resourceType.ts';
import { servePortForward } from './servePortForward.ts';
import { serviceProxySubpath } from './serviceProxySubpath.ts';
import { StatusError } from './statusError.ts';

/**
 * The API server's handler for HTTP upgrade requests (Node's `upgrade` event), which Node does
 * not pass to the request handler once such a listener exists:
 *
 * - `pods/{name}/portforward`: port-forward streams (servePortForward.ts);
 * - `services/{name}[:{port}]/proxy/{path}`: WebSockets to an in-process backend that takes
 *   upgrades (the Ray dashboard's job log tail), as the API server's upgrade-aware proxy passes
 *   them to the endpoint;
 * - `pods/{name}[:{port}]/proxy/{path}`: the same, to what listens on the pod's port;
 * - anything else (exec and attach, whose clear refusal the request handler gives, or a proxied
 *   backend without upgrades) goes to the ordinary request handler, answering on the socket
 *   with `Connection: close`.
 *
 * Authentication and authorization run first, as for every request. Upgraded connections are
 * no longer the HTTP server's, so `destroyAll` ends them when the server closes (an open
 * `kubectl port-forward` would otherwise hold it open).
 */
export function createUpgradeHandler(
  context: ApiRequestContext,
  handleRequest: (request: IncomingMessage, response: ServerResponse) => void,
): {
  handle: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
  destroyAll: () => void;
} {
  const sockets = new Set<Duplex>();
  return {
    handle: (request, socket, head) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      try {
        if (!routeUpgrade(context, request, socket, head)) {
          answerOnSocket(request, socket, head, handleRequest);
        }
      } catch (error) {
        writeStatus(socket, error);
      }
    },
    destroyAll: () => {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
  };
}

function routeUpgrade(
  context: ApiRequestContext,
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): boolean {
  const url = new URL(request.url ?? '/', 'http://sandbox');
  let segments: string[];
  try {
    segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return false;
  }
  const [api, version, namespaces, namespace, plural, name, subresource] = segments;
  if (api !== 'api' || version !== 'v1' || namespaces !== 'namespaces' || !namespace || !name)
    return false;
  const isPortForward = plural === 'pods' && subresource === 'portforward' && segments.length === 7;
  const isServiceProxy = plural === 'services' && subresource === 'proxy';
  const isPodProxy = plural === 'pods' && subresource === 'proxy';
  if (!isPortForward && !isServiceProxy && !isPodProxy) return false;
  const user = authenticateRequest(context.authentication, request);
  authorizeRequest(context.authorizer, user, request.method ?? 'GET', url);
  if (isPodProxy) {
    const pods = context.api.registry.lookup('', 'v1', 'pods') as ResourceType;
    proxyUpgradeToPod(request, socket, head, {
      namespace,
      pod: context.api.get(pods, namespace, splitNameAndPort(name)[0]),
      nameAndPort: name,
      pathname: url.pathname,
      search: url.search,
      ports: context.proxies.podPorts,
    });
    return true;
  }
  if (isPortForward) {
    const pods = context.api.registry.lookup('', 'v1', 'pods') as ResourceType;
    const pod = context.api.get(pods, namespace, name);
    servePortForward(request, socket, head, {
      namespace,
      pod,
      ports: context.proxies.podPorts,
    });
    return true;
  }
  const [serviceName, portPart] = name.split(':') as [string, string | undefined];
  const identifiers = readyServicePort(context.api, namespace, serviceName, portPart);
  const upgradeHandler = context.proxies.findUpgrade(namespace, serviceName, identifiers);
  if (!upgradeHandler) return false;
  upgradeHandler(request, socket, head, `${serviceProxySubpath(url.pathname)}${url.search}`);
  return true;
}

/** Runs the ordinary request handler with a response written to the upgrade's socket. */
function answerOnSocket(
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  handleRequest: (request: IncomingMessage, response: ServerResponse) => void,
): void {
  if (head.length > 0) socket.unshift(head);
  const response = new ServerResponse(request);
  response.shouldKeepAlive = false;
  response.assignSocket(socket as Socket);
  response.once('finish', () => {
    response.detachSocket(socket as Socket);
    socket.end();
  });
  handleRequest(request, response);
}

/** A Kubernetes Status as the answer to an upgrade request, then the connection closes. */
function writeStatus(socket: Duplex, error: unknown): void {
  const status =
    error instanceof StatusError
      ? error
      : new StatusError(
          500,
          'InternalError',
          `Internal error occurred: ${error instanceof Error ? error.message : String(error)}`,
        );
  const body = Buffer.from(JSON.stringify(status.toBody()), 'utf8');
  if (socket.destroyed) return;
  socket.end(
    Buffer.concat([
      Buffer.from(
        `HTTP/1.1 ${status.code} ${STATUS_CODES[status.code] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      ),
      body,
    ]),
  );
}
