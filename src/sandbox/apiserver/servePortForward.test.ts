import { randomBytes } from 'node:crypto';
import { type IncomingMessage, request as httpRequest } from 'node:http';
import type { Duplex } from 'node:stream';
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

import { encodeFrame, FrameDecoder, opcodes } from '../ray/webSocketFrames.ts';
import { createSandboxApiServer, type SandboxApiServer } from './createSandboxApiServer.ts';
import { connectionRefusedMessage, portForwardTunnelProtocol } from './servePortForward.ts';
import {
  decodeHeaderBlock,
  encodeControlFrame,
  encodeDataFrame,
  encodeHeaderBlock,
  spdyFlagFin,
  type SpdyFrame,
  SpdyFrameDecoder,
  spdyFrameTypes,
} from './SpdyFrameDecoder.ts';
import { spdyHeaderDictionary } from './spdyHeaderDictionary.ts';

let apiServer: SandboxApiServer;
let base: string;
let port: number;

beforeEach(async () => {
  apiServer = createSandboxApiServer();
  const pods = apiServer.registry.lookup('', 'v1', 'pods');
  if (!pods) throw new Error('pods are not served');
  apiServer.api.create(pods, 'default', {
    metadata: { name: 'web' },
    spec: { containers: [{ name: 'app', image: 'app:1' }] },
  });
  // An upper-casing echo server on port 7000 of pod web.
  apiServer.proxies.podPorts.register(
    { namespace: 'default', pod: 'web', port: 7000 },
    (socket) => {
      socket.on('data', (chunk: Buffer) => socket.write(chunk.toString().toUpperCase()));
      socket.on('end', () => socket.end());
      return true;
    },
  );
  base = await apiServer.listen('127.0.0.1', 0);
  port = Number(new URL(base).port);
});

afterEach(async () => {
  await apiServer.close();
});

const portForwardPath = '/api/v1/namespaces/default/pods/web/portforward';

/** Writes `input` into a long-lived zlib stream and returns its output up to a sync flush. */
function flushThrough(stream: Inflate | Deflate, input: Buffer): Promise<Buffer> {
  return new Promise((resolve) => {
    stream.write(input);
    stream.flush(constants.Z_SYNC_FLUSH, () => {
      const chunks: Buffer[] = [];
      for (
        let chunk = stream.read() as Buffer | null;
        chunk;
        chunk = stream.read() as Buffer | null
      )
        chunks.push(chunk);
      resolve(Buffer.concat(chunks));
    });
  });
}

/** The client half of SPDY as kubectl's spdystream speaks it, over any byte transport. */
class TestSpdyClient {
  readonly frames: SpdyFrame[] = [];
  readonly replyHeaders: Map<string, string[]>[] = [];
  private readonly decoder = new SpdyFrameDecoder();
  private readonly deflater = createDeflate({ dictionary: spdyHeaderDictionary });
  private readonly inflater = createInflate({ dictionary: spdyHeaderDictionary });
  private readonly waiters: (() => void)[] = [];
  private processing: Promise<void> = Promise.resolve();

  private readonly write: (bytes: Buffer) => void;

  constructor(write: (bytes: Buffer) => void) {
    this.write = write;
  }

  receive(bytes: Buffer): void {
    for (const frame of this.decoder.push(bytes)) {
      this.processing = this.processing.then(async () => {
        if (frame.kind === 'control' && frame.type === spdyFrameTypes.synReply) {
          this.replyHeaders.push(
            decodeHeaderBlock(await flushThrough(this.inflater, frame.payload.subarray(4))),
          );
        }
        this.frames.push(frame);
        for (const waiter of this.waiters.splice(0)) waiter();
      });
    }
  }

  async open(id: number, headers: Record<string, string>): Promise<void> {
    const block = await flushThrough(
      this.deflater,
      encodeHeaderBlock(new Map(Object.entries(headers).map(([name, value]) => [name, [value]]))),
    );
    const prefix = Buffer.alloc(10);
    prefix.writeUInt32BE(id, 0);
    this.write(encodeControlFrame(spdyFrameTypes.synStream, 0, Buffer.concat([prefix, block])));
  }

  send(id: number, data: string, fin = false): void {
    this.write(encodeDataFrame(id, fin ? spdyFlagFin : 0, Buffer.from(data)));
  }

  /** Data received on a stream so far, and whether the server sent FIN. */
  stream(id: number): { data: string; fin: boolean } {
    const frames = this.frames.filter(
      (frame): frame is Extract<SpdyFrame, { kind: 'data' }> =>
        frame.kind === 'data' && frame.streamId === id,
    );
    return {
      data: Buffer.concat(frames.map((frame) => frame.data)).toString(),
      fin: frames.some((frame) => (frame.flags & spdyFlagFin) !== 0),
    };
  }

  async until(check: () => boolean): Promise<void> {
    while (!check()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
}

function upgrade(
  path: string,
  headers: Record<string, string>,
): Promise<{ response: IncomingMessage; socket?: Duplex; head?: Buffer; body?: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({
      host: '127.0.0.1',
      port,
      path,
      method: headers['Upgrade'] === 'SPDY/3.1' ? 'POST' : 'GET',
      headers: { Connection: 'Upgrade', ...headers },
    });
    outgoing.on('upgrade', (response, socket, head) => resolve({ response, socket, head }));
    outgoing.on('response', (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ response, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** Forwards one connection to `target` (request 0: error stream 1, data stream 3). */
async function forwardOnce(client: TestSpdyClient, target: number, message?: string) {
  await client.open(1, { streamType: 'error', port: String(target), requestID: '0' });
  await client.until(() => client.replyHeaders.length === 1);
  client.send(1, '', true);
  await client.open(3, { streamType: 'data', port: String(target), requestID: '0' });
  await client.until(() => client.replyHeaders.length === 2);
  if (message !== undefined) client.send(3, message, true);
  await client.until(() => client.stream(1).fin && client.stream(3).fin);
}

describe('pods/portforward', () => {
  it('speaks SPDY/3.1 after an Upgrade: SPDY/3.1 (kubectl’s fallback)', async () => {
    const { response, socket, head } = await upgrade(portForwardPath, {
      Upgrade: 'SPDY/3.1',
      'X-Stream-Protocol-Version': 'portforward.k8s.io',
    });
    expect(response.statusCode).toBe(101);
    expect(response.headers['x-stream-protocol-version']).toBe('portforward.k8s.io');
    if (!socket) throw new Error('no upgrade');
    const client = new TestSpdyClient((bytes) => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => client.receive(chunk));
    if (head?.length) client.receive(head);

    await forwardOnce(client, 7000, 'hello');
    expect(client.stream(3)).toEqual({ data: 'HELLO', fin: true });
    expect(client.stream(1)).toEqual({ data: '', fin: true });
    expect(client.replyHeaders).toEqual([new Map(), new Map()]);
    socket.destroy();
  });

  it('echoes the client’s pings and stops a forward the client resets', async () => {
    const { socket } = await upgrade(portForwardPath, {
      Upgrade: 'SPDY/3.1',
      'X-Stream-Protocol-Version': 'portforward.k8s.io',
    });
    if (!socket) throw new Error('no upgrade');
    const client = new TestSpdyClient((bytes) => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => client.receive(chunk));
    socket.write(encodeControlFrame(spdyFrameTypes.ping, 0, Buffer.from([0, 0, 0, 7])));
    await client.until(() =>
      client.frames.some((frame) => frame.kind === 'control' && frame.type === spdyFrameTypes.ping),
    );
    await client.open(1, { streamType: 'error', port: '7000', requestID: '0' });
    await client.open(3, { streamType: 'data', port: '7000', requestID: '0' });
    await client.until(() => client.replyHeaders.length === 2);
    const reset = Buffer.alloc(8);
    reset.writeUInt32BE(3, 0);
    reset.writeUInt32BE(5, 4);
    socket.write(encodeControlFrame(spdyFrameTypes.rstStream, 0, reset));
    // The forward is over: the error stream closes, empty.
    await client.until(() => client.stream(1).fin);
    expect(client.stream(1).data).toBe('');
    socket.destroy();
  });

  it('sends the kubelet’s connection refused on the error stream for a port without listener', async () => {
    const { socket } = await upgrade(portForwardPath, {
      Upgrade: 'SPDY/3.1',
      'X-Stream-Protocol-Version': 'portforward.k8s.io',
    });
    if (!socket) throw new Error('no upgrade');
    const client = new TestSpdyClient((bytes) => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => client.receive(chunk));

    await forwardOnce(client, 7001);
    const pod = apiServer.api.get(
      apiServer.registry.lookup('', 'v1', 'pods') as never,
      'default',
      'web',
    );
    expect(client.stream(1).data).toBe(connectionRefusedMessage(pod, 7001));
    expect(client.stream(1).data).toMatch(
      /^error forwarding port 7001 to pod [0-9a-f]{64}, uid : failed to execute portforward in network namespace "\/var\/run\/netns\/cni-[0-9a-f-]{36}": failed to connect to localhost:7001 inside namespace "[0-9a-f]{64}", IPv4: dial tcp4 127\.0\.0\.1:7001: connect: connection refused IPv6 dial tcp6 \[::1\]:7001: connect: connection refused $/,
    );
    expect(client.stream(3)).toEqual({ data: '', fin: true });
    socket.destroy();
  });

  it('tunnels SPDY in binary WebSocket messages (kubectl 1.35’s first try)', async () => {
    const key = randomBytes(16).toString('base64');
    const { response, socket, head } = await upgrade(portForwardPath, {
      Upgrade: 'websocket',
      'Sec-WebSocket-Key': key,
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Protocol': portForwardTunnelProtocol,
    });
    expect(response.statusCode).toBe(101);
    expect(response.headers['sec-websocket-protocol']).toBe(portForwardTunnelProtocol);
    if (!socket) throw new Error('no upgrade');
    const client = new TestSpdyClient((bytes) =>
      socket.write(encodeFrame(opcodes.binary, bytes, randomBytes(4))),
    );
    const frames = new FrameDecoder();
    const receive = (chunk: Buffer): void => {
      for (const frame of frames.push(chunk)) {
        if (frame.opcode === opcodes.binary) client.receive(frame.payload);
      }
    };
    socket.on('data', receive);
    if (head?.length) receive(head);

    await forwardOnce(client, 7000, 'over websocket');
    expect(client.stream(3)).toEqual({ data: 'OVER WEBSOCKET', fin: true });
    socket.destroy();
  });

  it('speaks the kubelet’s v4 WebSocket channels with ports in the query', async () => {
    const messages: Buffer[] = [];
    const webSocket = new WebSocket(
      `ws://127.0.0.1:${port}${portForwardPath}?port=7000&port=7001`,
      ['v4.channel.k8s.io'],
    );
    webSocket.on('message', (data: Buffer) => {
      messages.push(data);
      if (messages.length === 5)
        webSocket.send(Buffer.concat([Buffer.from([0]), Buffer.from('abc')]));
    });
    const closed = new Promise<number>((resolve) => webSocket.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve) => webSocket.on('open', () => resolve()));
    expect(webSocket.protocol).toBe('v4.channel.k8s.io');
    while (!messages.some((message) => message[0] === 0 && message.length > 3))
      await new Promise((resolve) => setTimeout(resolve, 5));
    // Each channel starts with its port (little-endian): data 0 and error 1 for 7000, 2 and 3 for 7001.
    expect(messages.slice(0, 4).map((message) => [...message])).toEqual([
      [0, 0x58, 0x1b],
      [1, 0x58, 0x1b],
      [2, 0x59, 0x1b],
      [3, 0x59, 0x1b],
    ]);
    expect(messages[4]?.[0]).toBe(3);
    expect(messages[4]?.subarray(1).toString()).toContain('error forwarding port 7001 to pod');
    expect(
      messages
        .find((message) => message[0] === 0 && message.length > 3)
        ?.subarray(1)
        .toString(),
    ).toBe('ABC');
    webSocket.close();
    expect(await closed).toBeGreaterThan(0);
  });

  it('ends open port-forward connections when the server closes', async () => {
    const webSocket = new WebSocket(`ws://127.0.0.1:${port}${portForwardPath}?port=7000`);
    const closed = new Promise<void>((resolve) => webSocket.on('close', () => resolve()));
    await new Promise<void>((resolve) => webSocket.on('open', () => resolve()));
    await apiServer.close();
    await closed;
  });

  it('answers the kubelet’s 400 without ports, and 404 for a pod that does not exist', async () => {
    const noPorts = await upgrade(portForwardPath, {
      Upgrade: 'websocket',
      'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Protocol': 'v4.channel.k8s.io',
    });
    expect(noPorts.response.statusCode).toBe(400);
    expect(noPorts.body).toBe('query parameter "port" is required');
    const missing = await upgrade('/api/v1/namespaces/default/pods/nope/portforward', {
      Upgrade: 'SPDY/3.1',
      'X-Stream-Protocol-Version': 'portforward.k8s.io',
    });
    expect(missing.response.statusCode).toBe(404);
    expect(JSON.parse(missing.body ?? '')).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'pods "nope" not found',
    });
  });

  it('still answers exec with the sandbox’s clear 400 when it comes as an upgrade', async () => {
    const exec = await upgrade('/api/v1/namespaces/default/pods/web/exec?command=ls', {
      Upgrade: 'websocket',
      'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Protocol': 'v5.channel.k8s.io',
    });
    expect(exec.response.statusCode).toBe(400);
    expect(JSON.parse(exec.body ?? '')).toMatchObject({
      kind: 'Status',
      message: 'the Raydeck sandbox runs no containers; exec is not supported',
    });
  });
});
