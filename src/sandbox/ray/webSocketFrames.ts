import { createHash } from 'node:crypto';

/**
 * A raw RFC 6455 (WebSocket) client's toolkit for tests: the handshake's accept key, and
 * encoding and decoding of frames (masked or not), no extensions. The servers use the `ws`
 * library; tests keep this to check bytes on the wire and to send what `ws`'s client refuses
 * (kubectl's `SPDY/3.1+portforward.k8s.io` subprotocol is not an RFC 7230 token).
 * @see https://www.rfc-editor.org/rfc/rfc6455
 */

/** RFC 6455's GUID appended to the client's key. */
export const webSocketGuid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Frame opcodes. */
export const opcodes = {
  continuation: 0,
  text: 1,
  binary: 2,
  close: 8,
  ping: 9,
  pong: 10,
} as const;

/** One decoded frame. */
export interface WebSocketFrame {
  fin: boolean;
  opcode: number;
  /** Unmasked payload. */
  payload: Buffer;
}

/** `Sec-WebSocket-Accept` for a client's `Sec-WebSocket-Key`. */
export function webSocketAccept(key: string): string {
  return createHash('sha1')
    .update(key + webSocketGuid)
    .digest('base64');
}

/**
 * One frame with FIN set. Servers send unmasked frames; clients pass a 4-byte `mask`, as they
 * must.
 */
export function encodeFrame(opcode: number, payload: Buffer, mask?: Buffer): Buffer {
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length < 65_536 ? 2 : 8;
  const header = Buffer.alloc(2 + lengthBytes + (mask ? 4 : 0));
  header[0] = 0x80 | (opcode & 0x0f);
  header[1] = (mask ? 0x80 : 0) | (lengthBytes === 0 ? length : lengthBytes === 2 ? 126 : 127);
  if (lengthBytes === 2) header.writeUInt16BE(length, 2);
  if (lengthBytes === 8) header.writeBigUInt64BE(BigInt(length), 2);
  if (!mask) return Buffer.concat([header, payload]);
  mask.copy(header, 2 + lengthBytes, 0, 4);
  const masked = Buffer.from(payload);
  for (let index = 0; index < masked.length; index++)
    masked[index] = (masked[index] ?? 0) ^ (mask[index % 4] ?? 0);
  return Buffer.concat([header, masked]);
}

/** A close frame's payload: the status code, then the reason. */
export function closePayload(code: number, reason = ''): Buffer {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2);
  return payload;
}

/** Collects bytes from a socket and returns whole frames as they complete. */
export class FrameDecoder {
  private buffered = Buffer.alloc(0);

  /** Adds bytes; returns the frames now complete, in order. */
  push(chunk: Buffer): WebSocketFrame[] {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    const frames: WebSocketFrame[] = [];
    for (;;) {
      const frame = this.next();
      if (!frame) return frames;
      frames.push(frame);
    }
  }

  private next(): WebSocketFrame | undefined {
    const data = this.buffered;
    if (data.length < 2) return undefined;
    const first = data[0] ?? 0;
    const second = data[1] ?? 0;
    const masked = (second & 0x80) !== 0;
    let length = second & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (data.length < 4) return undefined;
      length = data.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (data.length < 10) return undefined;
      length = Number(data.readBigUInt64BE(2));
      offset = 10;
    }
    const maskAt = offset;
    if (masked) offset += 4;
    if (data.length < offset + length) return undefined;
    const payload = Buffer.from(data.subarray(offset, offset + length));
    if (masked) {
      for (let index = 0; index < payload.length; index++) {
        payload[index] = (payload[index] ?? 0) ^ (data[maskAt + (index % 4)] ?? 0);
      }
    }
    this.buffered = data.subarray(offset + length);
    return { fin: (first & 0x80) !== 0, opcode: first & 0x0f, payload };
  }
}
