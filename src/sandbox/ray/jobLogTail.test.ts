import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import {
  type RayHeadTestServer,
  startRayHeadTestServer,
} from '../../../test/support/startRayHeadTestServer.ts';
import {
  closePayload,
  encodeFrame,
  FrameDecoder,
  opcodes,
  webSocketAccept,
  type WebSocketFrame,
} from './webSocketFrames.ts';

let server: RayHeadTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Tail {
  status: number;
  accept?: string;
  socket?: Socket;
  frames: WebSocketFrame[];
  /** Resolves once the server's close frame arrived. */
  closed: Promise<void>;
  /** Resolves once `count` frames arrived. */
  frameCount(count: number): Promise<void>;
  body?: string;
}

function openTail(
  head: RayHeadTestServer,
  path: string,
  headers: Record<string, string> = {},
): Promise<Tail> {
  const key = randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const request = httpRequest({
      host: '127.0.0.1',
      port: head.port,
      path,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Key': key,
        'Sec-WebSocket-Version': '13',
        ...headers,
      },
    });
    request.on('upgrade', (response, socket, head: Buffer) => {
      const frames: WebSocketFrame[] = [];
      const decoder = new FrameDecoder();
      const waiters: (() => void)[] = [];
      let onClose: () => void = () => undefined;
      const closed = new Promise<void>((done) => (onClose = done));
      const receive = (chunk: Buffer): void => {
        for (const frame of decoder.push(chunk)) {
          frames.push(frame);
          if (frame.opcode === opcodes.close) onClose();
        }
        for (const waiter of waiters.splice(0)) waiter();
      };
      socket.on('data', receive);
      receive(head);
      resolve({
        status: response.statusCode ?? 0,
        accept: String(response.headers['sec-websocket-accept']),
        socket,
        frames,
        closed,
        frameCount: (count) =>
          new Promise((done) => {
            const check = (): void => {
              if (frames.length >= count) done();
              else waiters.push(check);
            };
            check();
          }),
      });
      expect(response.headers['sec-websocket-accept']).toBe(webSocketAccept(key));
    });
    request.on('response', (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          frames: [],
          body,
          closed: Promise.resolve(),
          frameCount: async () => undefined,
        }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

const text = (frames: readonly WebSocketFrame[]): string =>
  frames
    .filter((frame) => frame.opcode === opcodes.text)
    .map((frame) => frame.payload.toString('utf8'))
    .join('');

describe('GET /api/jobs/{id}/logs/tail (WebSocket)', () => {
  it('streams the log as it is written and closes with 1000 when the job ends', async () => {
    const head = (server = await startRayHeadTestServer());
    const id = (
      await head.request('POST', '/api/jobs/', {
        body: { entrypoint: 'echo one && sleep 2 && echo two' },
      })
    ).json<{
      submission_id: string;
    }>().submission_id;
    const tail = await openTail(head, `/api/jobs/${id}/logs/tail`);
    expect(tail.status).toBe(101);
    head.clock.advance(1500);
    await tail.frameCount(1);
    head.clock.advance(10);
    await tail.frameCount(2);
    expect(text(tail.frames)).toBe(
      '2026-01-01 00:00:00,000\tINFO job_manager.py:568 -- Runtime env is setting up.\none\n',
    );
    head.clock.advance(2000);
    await tail.closed;
    expect(text(tail.frames)).toMatch(/one\ntwo\n$/);
    const close = tail.frames.at(-1);
    expect(close?.opcode).toBe(opcodes.close);
    expect(close?.payload.readUInt16BE(0)).toBe(1000);
    expect(head.simulation.getJob(id)?.status).toBe('SUCCEEDED');
    // The server waits for the client's close frame, as aiohttp does; this client just leaves.
    tail.socket?.destroy();
  });

  it('sends what was written so far to a late follower, answers pings, and closes when asked', async () => {
    const head = (server = await startRayHeadTestServer());
    const id = (
      await head.request('POST', '/api/jobs/', { body: { entrypoint: 'echo early && sleep 100' } })
    ).json<{
      submission_id: string;
    }>().submission_id;
    head.clock.advance(2000);
    const tail = await openTail(head, `/api/jobs/${id}/logs/tail`);
    await tail.frameCount(1);
    expect(text(tail.frames)).toContain('early\n');
    const mask = randomBytes(4);
    tail.socket?.write(encodeFrame(opcodes.ping, Buffer.from('hi'), mask));
    await tail.frameCount(2);
    expect(tail.frames[1]).toMatchObject({ opcode: opcodes.pong, payload: Buffer.from('hi') });
    tail.socket?.write(encodeFrame(opcodes.close, closePayload(1000), mask));
    await tail.closed;
    tail.socket?.destroy();
  });

  it('closes the tail when the head stops', async () => {
    const head = (server = await startRayHeadTestServer());
    const id = (
      await head.request('POST', '/api/jobs/', { body: { entrypoint: 'sleep 100' } })
    ).json<{ submission_id: string }>().submission_id;
    const tail = await openTail(head, `/api/jobs/${id}/logs/tail`);
    head.simulation.stop();
    await tail.closed;
    tail.socket?.destroy();
  });

  it('closes at once for a job that ended before its entrypoint started', async () => {
    const head = (server = await startRayHeadTestServer());
    const id = (
      await head.request('POST', '/api/jobs/', {
        body: { entrypoint: 'sleep 1', entrypoint_num_gpus: 1 },
      })
    ).json<{
      submission_id: string;
    }>().submission_id;
    await head.request('POST', `/api/jobs/${id}/stop`);
    const tail = await openTail(head, `/api/jobs/${id}/logs/tail`);
    await tail.closed;
    expect(text(tail.frames)).toBe('');
    tail.socket?.destroy();
  });

  it('answers an unknown job with 404, and a token-mode head without a token with 401, before upgrading', async () => {
    const head = (server = await startRayHeadTestServer({ authToken: 'tok' }));
    const missingToken = await openTail(head, '/api/jobs/x/logs/tail');
    expect([missingToken.status, missingToken.body]).toEqual([
      401,
      'Unauthorized: Missing authentication token',
    ]);
    const unknown = await openTail(head, '/api/jobs/x/logs/tail', {
      'X-Ray-Authorization': 'Bearer tok',
    });
    expect([unknown.status, unknown.body]).toEqual([404, 'Job x does not exist']);
    const elsewhere = await openTail(head, '/api/jobs/', { 'X-Ray-Authorization': 'Bearer tok' });
    expect([elsewhere.status, elsewhere.body]).toEqual([404, '404: Not Found']);
  });

  it('answers a plain GET as aiohttp does without an upgrade: 400', async () => {
    const head = (server = await startRayHeadTestServer());
    const id = (
      await head.request('POST', '/api/jobs/', { body: { entrypoint: 'sleep 1' } })
    ).json<{ submission_id: string }>().submission_id;
    const response = await head.request('GET', `/api/jobs/${id}/logs/tail`);
    expect(response.status).toBe(400);
    expect(response.text).toBe(
      'No WebSocket UPGRADE hdr: None\n Can "Upgrade" only to "WebSocket".',
    );
  });
});
