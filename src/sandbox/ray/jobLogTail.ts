import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import type { JobManager } from './JobManager.ts';
import {
  closePayload,
  encodeFrame,
  FrameDecoder,
  opcodes,
  webSocketAccept,
} from './webSocketFrames.ts';

/**
 * `GET /api/jobs/{id}/logs/tail`, Ray's log follower: a WebSocket that sends the driver log as
 * text frames (what was written so far, then each new chunk) and closes with 1000 when the job
 * is terminal. An unknown job gets the usual 404 before any upgrade.
 */

/**
 * What aiohttp answers when the tail is requested without a WebSocket upgrade
 * (`WebSocketResponse.prepare` on a plain request).
 */
export function notAWebSocketText(upgradeHeader: string | undefined): string {
  return `No WebSocket UPGRADE hdr: ${upgradeHeader ?? 'None'}\n Can "Upgrade" only to "WebSocket".`;
}

/**
 * Takes over `socket` after an HTTP upgrade request for a job's log tail (a Node `upgrade`
 * event) and streams the log until the job ends or the client closes.
 */
export function serveLogTail(
  request: IncomingMessage,
  socket: Duplex,
  jobs: JobManager,
  id: string,
): void {
  if (jobs.details(id) === undefined) {
    writeHttpError(socket, 404, 'Not Found', `Job ${id} does not exist`);
    return;
  }
  const upgrade = request.headers.upgrade;
  const key = request.headers['sec-websocket-key'];
  if (upgrade?.toLowerCase().trim() !== 'websocket') {
    writeHttpError(socket, 400, 'Bad Request', notAWebSocketText(upgrade));
    return;
  }
  if (typeof key !== 'string' || Buffer.from(key, 'base64').length !== 16) {
    writeHttpError(socket, 400, 'Bad Request', `Handshake error: ${JSON.stringify(key ?? '')}`);
    return;
  }
  if (request.headers['sec-websocket-version'] !== '13') {
    writeHttpError(
      socket,
      400,
      'Bad Request',
      `Unsupported version: ${request.headers['sec-websocket-version'] ?? ''}`,
    );
    return;
  }
  socket.write(
    [
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
      'Connection: upgrade',
      `Sec-WebSocket-Accept: ${webSocketAccept(key)}`,
      '',
      '',
    ].join('\r\n'),
  );
  let closed = false;
  let unfollow: () => void = () => undefined;
  const close = (code: number): void => {
    if (closed) return;
    closed = true;
    unfollow();
    if (!socket.destroyed) socket.end(encodeFrame(opcodes.close, closePayload(code)));
  };
  unfollow = jobs.followLogs(
    id,
    (chunk) => {
      if (!closed && chunk !== '' && !socket.destroyed)
        socket.write(encodeFrame(opcodes.text, Buffer.from(chunk, 'utf8')));
    },
    () => close(1000),
  );
  const decoder = new FrameDecoder();
  socket.on('data', (chunk: Buffer) => {
    for (const frame of decoder.push(chunk)) {
      if (frame.opcode === opcodes.ping && !socket.destroyed)
        socket.write(encodeFrame(opcodes.pong, frame.payload));
      if (frame.opcode === opcodes.close) close(1000);
    }
  });
  socket.on('close', () => {
    closed = true;
    unfollow();
  });
  socket.on('error', () => socket.destroy());
}

function writeHttpError(socket: Duplex, status: number, reason: string, text: string): void {
  const body = Buffer.from(text, 'utf8');
  socket.end(
    Buffer.concat([
      Buffer.from(
        `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      ),
      body,
    ]),
  );
}
