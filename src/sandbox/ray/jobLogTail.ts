import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import { WebSocketServer } from 'ws';

import type { JobManager } from './JobManager.ts';

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
 * The `ws` server that completes tail handshakes (no compression: aiohttp's log tail offers
 * none). Requests are checked first with aiohttp's own answers, so `ws`'s never show.
 */
const tailSockets = new WebSocketServer({ noServer: true, perMessageDeflate: false });

/**
 * Takes over `socket` after an HTTP upgrade request for a job's log tail (a Node `upgrade`
 * event; `head` is what the client sent after the request) and streams the log until the job
 * ends or the client closes.
 */
export function serveLogTail(
  request: IncomingMessage,
  socket: Duplex,
  jobs: JobManager,
  id: string,
  head: Buffer = Buffer.alloc(0),
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
  tailSockets.handleUpgrade(request, socket, head, (webSocket) => {
    let closed = false;
    let unfollow: () => void = () => undefined;
    const close = (): void => {
      if (closed) return;
      closed = true;
      unfollow();
      webSocket.close(1000);
    };
    unfollow = jobs.followLogs(
      id,
      (chunk) => {
        if (!closed && chunk !== '' && webSocket.readyState === webSocket.OPEN)
          webSocket.send(chunk);
      },
      close,
    );
    // `ws` answers pings and completes a close the client starts.
    webSocket.on('close', () => {
      closed = true;
      unfollow();
    });
    webSocket.on('error', () => webSocket.terminate());
  });
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
