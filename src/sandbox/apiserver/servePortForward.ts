import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import { createWebSocketStream, type WebSocket, WebSocketServer } from 'ws';

import { ForwardedConnection } from './ForwardedConnection.ts';
import type { PodPortRegistry } from './PodPortRegistry.ts';
import type { KubeObject } from './resourceType.ts';
import { SpdySession, type SpdyStream } from './SpdySession.ts';

/**
 * `pods/{name}/portforward`, as the kubelet (through the API server) serves it, in the three
 * forms clients use:
 *
 * - **SPDY over WebSocket** (kubectl ≥ 1.31: subprotocol `SPDY/3.1+portforward.k8s.io`): the
 *   API server's tunnel; binary WebSocket messages carry a SPDY/3.1 byte stream.
 * - **SPDY** (`Upgrade: SPDY/3.1`, `X-Stream-Protocol-Version: portforward.k8s.io`): what
 *   kubectl falls back to, and older clients use.
 * - **WebSocket channels** (`v4.channel.k8s.io`, `v4.base64.channel.k8s.io` or no
 *   subprotocol, ports in `?port=`): the kubelet's WebSocket protocol. Channel 2i carries port
 *   i's data and 2i+1 its errors; each channel's first message is the port, little-endian.
 *
 * With SPDY, each forwarded connection is a pair of client-opened streams with headers
 * `streamType` (`data`/`error`), `port` and `requestID`. A port with a listener gets the data
 * stream as its connection; when it is done, the error stream is closed empty. A port nothing
 * listens on gets the kubelet's (containerd's) "connection refused" message on the error
 * stream, and both streams close, as on a real node.
 */

/** The tunnelling subprotocol kubectl asks for first. */
export const portForwardTunnelProtocol = 'SPDY/3.1+portforward.k8s.io';
/** The kubelet's WebSocket subprotocols (binary, and base64 text for browsers). */
export const portForwardChannelProtocols = ['v4.channel.k8s.io', 'v4.base64.channel.k8s.io'];
/** The SPDY port-forward protocol version (`X-Stream-Protocol-Version`). */
export const portForwardProtocolV1 = 'portforward.k8s.io';

/** What a port-forward needs: the pod and the listeners on its ports. */
export interface PortForwardTarget {
  namespace: string;
  pod: KubeObject;
  ports: PodPortRegistry;
}

/**
 * WebSockets that tunnel SPDY. `ws` refuses `SPDY/3.1+portforward.k8s.io` as a subprotocol
 * (the `/` is not an RFC 7230 token character, though Go's gorilla/websocket sends it), so the
 * header is taken off the request before the handshake and the chosen protocol added to the
 * 101 answer here.
 */
const tunnelSockets = new WebSocketServer({ noServer: true, perMessageDeflate: false });
const tunnelRequests = new WeakSet<IncomingMessage>();
tunnelSockets.on('headers', (headers: string[], request: IncomingMessage) => {
  if (tunnelRequests.has(request))
    headers.push(`Sec-WebSocket-Protocol: ${portForwardTunnelProtocol}`);
});

/** The kubelet's WebSocket channel protocol. */
const webSockets = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  handleProtocols: (offered) => {
    for (const protocol of [portForwardTunnelProtocol, ...portForwardChannelProtocols]) {
      if (offered.has(protocol)) return protocol;
    }
    return false;
  },
});

/**
 * Takes over an upgrade request to `pods/{name}/portforward` (a Node `upgrade` event's
 * arguments). Requests that cannot be served get the kubelet's 400 with a plain-text reason.
 */
export function servePortForward(
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: PortForwardTarget,
): void {
  const upgrade = (request.headers.upgrade ?? '').toLowerCase();
  if (upgrade === 'websocket') {
    const offered = offeredProtocols(request.headers['sec-websocket-protocol']);
    if (offered.includes(portForwardTunnelProtocol)) {
      delete request.headers['sec-websocket-protocol'];
      tunnelRequests.add(request);
      tunnelSockets.handleUpgrade(request, socket, head, (webSocket) => {
        const connection = createWebSocketStream(webSocket);
        connection.on('error', () => connection.destroy());
        new SpdySession(connection, spdyForwarder(target));
      });
      return;
    }
    const known = offered.filter((protocol) => portForwardChannelProtocols.includes(protocol));
    if (offered.length > 0 && known.length === 0) {
      return writePlainError(
        socket,
        `unable to upgrade websocket connection: requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${portForwardChannelProtocols.join(' ')}]`,
      );
    }
    const ports = channelPorts(new URL(request.url ?? '/', 'http://sandbox').searchParams);
    if (typeof ports === 'string') return writePlainError(socket, ports);
    webSockets.handleUpgrade(request, socket, head, (webSocket) => {
      serveChannels(webSocket, webSocket.protocol === 'v4.base64.channel.k8s.io', ports, target);
    });
    return;
  }
  if (upgrade.startsWith('spdy/3.1')) {
    const version = request.headers['x-stream-protocol-version'];
    const offered = (Array.isArray(version) ? version.join(',') : (version ?? ''))
      .split(',')
      .map((value) => value.trim());
    if (version !== undefined && !offered.includes(portForwardProtocolV1)) {
      return writePlainError(
        socket,
        `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server supports [${portForwardProtocolV1}]`,
        403,
      );
    }
    socket.write(
      [
        'HTTP/1.1 101 Switching Protocols',
        'Connection: Upgrade',
        'Upgrade: SPDY/3.1',
        `X-Stream-Protocol-Version: ${portForwardProtocolV1}`,
        '',
        '',
      ].join('\r\n'),
    );
    socket.on('error', () => socket.destroy());
    new SpdySession(socket, spdyForwarder(target), head);
    return;
  }
  writePlainError(socket, 'Upgrade request required');
}

/**
 * Opens `port` of the target pod for `connection`: `undefined` when a listener took it, else
 * the message the kubelet writes to the error stream (containerd's dial failure).
 */
export function openPodPort(
  target: PortForwardTarget,
  port: number,
  connection: Duplex,
): string | undefined {
  const name = target.pod.metadata?.name ?? '';
  const listener = target.ports.find(target.namespace, name, port);
  if (listener?.(connection)) return undefined;
  return connectionRefusedMessage(target.pod, port);
}

/**
 * The kubelet's message for a port nothing listens on (containerd's CRI port-forward):
 * the pod is named by its sandbox id (64 hex characters; the sandbox derives one from the
 * pod's uid), the uid is empty, and both loopback dials are refused.
 */
export function connectionRefusedMessage(pod: KubeObject, port: number): string {
  const uid = pod.metadata?.uid ?? pod.metadata?.name ?? '';
  const sandboxId = createHash('sha256').update(`sandbox/${uid}`).digest('hex');
  const netns = createHash('sha256').update(`netns/${uid}`).digest('hex');
  const netnsId = `${netns.slice(0, 8)}-${netns.slice(8, 12)}-${netns.slice(12, 16)}-${netns.slice(16, 20)}-${netns.slice(20, 32)}`;
  return (
    `error forwarding port ${port} to pod ${sandboxId}, uid : failed to execute portforward in network namespace "/var/run/netns/cni-${netnsId}": ` +
    `failed to connect to localhost:${port} inside namespace "${sandboxId}", ` +
    `IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused ` +
    `IPv6 dial tcp6 [::1]:${port}: connect: connection refused `
  );
}

/** Pairs a SPDY session's streams by `requestID` and forwards each pair's port. */
function spdyForwarder(target: PortForwardTarget): (stream: SpdyStream) => void {
  const pairs = new Map<string, { data?: SpdyStream; error?: SpdyStream }>();
  return (stream) => {
    const type = stream.header('streamType');
    if (type !== 'data' && type !== 'error') {
      stream.destroy();
      return;
    }
    const requestId = stream.header('requestID') ?? '';
    const pair = pairs.get(requestId) ?? {};
    pair[type] = stream;
    pairs.set(requestId, pair);
    const { data, error } = pair;
    if (!data || !error) return;
    pairs.delete(requestId);
    // The client closes its half of the error stream at once and only reads it.
    error.resume();
    const portText = data.header('port') ?? '';
    const port = Number(portText);
    const refused =
      Number.isInteger(port) && port > 0 && port < 65_536
        ? openPodPort(target, port, data)
        : `error forwarding port ${portText}: invalid port`;
    if (refused !== undefined) {
      data.resume();
      error.end(refused);
      data.end();
      return;
    }
    data.once('close', () => error.end());
  };
}

/** The ports of `?port=8265&port=8000` (or `?port=8265,8000`), or the kubelet's error. */
function channelPorts(query: URLSearchParams): number[] | string {
  const values = query.getAll('port');
  if (values.length === 0) return 'query parameter "port" is required';
  const ports: number[] = [];
  for (const value of values) {
    if (value === '') return 'query parameter "port" cannot be empty';
    for (const part of value.split(',')) {
      const port = Number(part);
      if (!/^\d+$/.test(part) || port > 65_535)
        return `unable to parse "${value}" as a port: strconv.ParseUint: parsing "${part}": invalid syntax`;
      if (port < 1) return `port "${value}" must be > 0`;
      ports.push(port);
    }
  }
  return ports;
}

/**
 * The kubelet's WebSocket port-forward: per port, a data and an error channel, each opened by
 * a message with the port (uint16, little-endian); the connection closes when every port's
 * connection is done.
 */
function serveChannels(
  webSocket: WebSocket,
  base64: boolean,
  ports: readonly number[],
  target: PortForwardTarget,
): void {
  const send = (channel: number, data: Buffer): void => {
    if (webSocket.readyState !== webSocket.OPEN) return;
    if (base64) webSocket.send(`${String.fromCharCode(48 + channel)}${data.toString('base64')}`);
    else webSocket.send(Buffer.concat([Buffer.from([channel]), data]), { binary: true });
  };
  let open = ports.length;
  const done = (): void => {
    open -= 1;
    if (open === 0) webSocket.close(1000);
  };
  const connections = ports.map((port, index) => {
    const portBytes = Buffer.alloc(2);
    portBytes.writeUInt16LE(port);
    send(index * 2, portBytes);
    send(index * 2 + 1, portBytes);
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      done();
    };
    const connection = new ForwardedConnection((chunk) => send(index * 2, chunk), finish);
    connection.once('close', finish);
    const refused = openPodPort(target, port, connection);
    if (refused !== undefined) {
      send(index * 2 + 1, Buffer.from(refused, 'utf8'));
      connection.destroy();
    }
    return connection;
  });
  webSocket.on('message', (message: Buffer, isBinary: boolean) => {
    const raw = Buffer.isBuffer(message) ? message : Buffer.from(message);
    if (raw.length === 0) return;
    const channel = base64 || !isBinary ? (raw[0] ?? 48) - 48 : (raw[0] ?? 0);
    const payload =
      base64 || !isBinary
        ? Buffer.from(raw.subarray(1).toString('latin1'), 'base64')
        : raw.subarray(1);
    // Only data channels (even numbers) are read; the error channels are write-only.
    if (channel % 2 === 0) connections[channel / 2]?.deliver(payload);
  });
  webSocket.on('close', () => {
    for (const connection of connections) connection.destroy();
  });
  webSocket.on('error', () => webSocket.terminate());
}

function offeredProtocols(header: string | string[] | undefined): string[] {
  const joined = Array.isArray(header) ? header.join(',') : (header ?? '');
  return joined
    .split(',')
    .map((protocol) => protocol.trim())
    .filter((protocol) => protocol !== '');
}

/** Answers an upgrade request with a plain-text error and closes the connection. */
export function writePlainError(socket: Duplex, text: string, status = 400): void {
  const body = Buffer.from(text, 'utf8');
  const reason = status === 403 ? 'Forbidden' : 'Bad Request';
  socket.end(
    Buffer.concat([
      Buffer.from(
        `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      ),
      body,
    ]),
  );
}
