/**
 * SPDY/3.1 framing, as far as Kubernetes' streams (spdystream, kubelet port-forward) use it:
 * control frames carried as opaque payloads, data frames, and the uncompressed name/value header
 * block. Compression of header blocks is the session's job (it needs one zlib stream per
 * direction). Hand-written because no maintained npm library speaks SPDY/3.1 (spdy-transport is
 * unmaintained since 2018 and untyped) and kubectl needs only this small part.
 * @see http://www.chromium.org/spdy/spdy-protocol/spdy-protocol-draft3-1
 */

/** The protocol version in every control frame. */
export const spdyVersion = 3;

/** Control frame types. */
export const spdyFrameTypes = {
  synStream: 1,
  synReply: 2,
  rstStream: 3,
  settings: 4,
  ping: 6,
  goAway: 7,
  headers: 8,
  windowUpdate: 9,
} as const;

/** FLAG_FIN on data, SYN_STREAM, SYN_REPLY and HEADERS frames: the sender's half is done. */
export const spdyFlagFin = 0x01;

/** RST_STREAM status codes used here. */
export const spdyResetStatus = { protocolError: 1, refusedStream: 3, cancel: 5 } as const;

/** Largest payload of one frame: the length field has 24 bits. */
export const spdyMaxFrameLength = 0xff_ffff;

/** One frame: a control frame with its raw payload, or a data frame. */
export type SpdyFrame =
  | { kind: 'control'; type: number; flags: number; payload: Buffer }
  | { kind: 'data'; streamId: number; flags: number; data: Buffer };

/** Encodes a control frame around `payload`. */
export function encodeControlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16BE(0x8000 | spdyVersion, 0);
  header.writeUInt16BE(type, 2);
  header.writeUInt32BE((flags & 0xff) * 0x100_0000 + payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Encodes a data frame (`data` at most {@link spdyMaxFrameLength} bytes). */
export function encodeDataFrame(streamId: number, flags: number, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(streamId & 0x7fff_ffff, 0);
  header.writeUInt32BE((flags & 0xff) * 0x100_0000 + data.length, 4);
  return Buffer.concat([header, data]);
}

/**
 * A header block before compression: the pair count, then each name and value with a 4-byte
 * length. Names are lowercase on the wire; several values of a name are joined with NUL.
 */
export function encodeHeaderBlock(headers: ReadonlyMap<string, readonly string[]>): Buffer {
  const parts: Buffer[] = [uint32(headers.size)];
  for (const [name, values] of headers) {
    const nameBytes = Buffer.from(name.toLowerCase(), 'utf8');
    const valueBytes = Buffer.from(values.join('\0'), 'utf8');
    parts.push(uint32(nameBytes.length), nameBytes, uint32(valueBytes.length), valueBytes);
  }
  return Buffer.concat(parts);
}

/** Reads an uncompressed header block; throws on a truncated one. */
export function decodeHeaderBlock(block: Buffer): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  let offset = 0;
  const read = (): Buffer => {
    if (offset + 4 > block.length) throw new Error('truncated SPDY header block');
    const length = block.readUInt32BE(offset);
    offset += 4;
    if (offset + length > block.length) throw new Error('truncated SPDY header block');
    const bytes = block.subarray(offset, offset + length);
    offset += length;
    return bytes;
  };
  if (block.length < 4) throw new Error('truncated SPDY header block');
  const count = block.readUInt32BE(0);
  offset = 4;
  for (let index = 0; index < count; index++) {
    const name = read().toString('utf8').toLowerCase();
    const values = read().toString('utf8').split('\0');
    headers.set(name, [...(headers.get(name) ?? []), ...values]);
  }
  return headers;
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

/** Collects bytes from a connection and returns whole frames as they complete. */
export class SpdyFrameDecoder {
  private buffered: Buffer = Buffer.alloc(0);

  /** Adds bytes; returns the frames now complete, in order. */
  push(chunk: Buffer): SpdyFrame[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const frames: SpdyFrame[] = [];
    while (this.buffered.length >= 8) {
      const length = this.buffered.readUInt32BE(4) & 0xff_ffff;
      if (this.buffered.length < 8 + length) break;
      const first = this.buffered.readUInt32BE(0);
      const flags = this.buffered[4] ?? 0;
      const body = Buffer.from(this.buffered.subarray(8, 8 + length));
      this.buffered = this.buffered.subarray(8 + length);
      if ((first & 0x8000_0000) !== 0) {
        const version = (first >>> 16) & 0x7fff;
        if (version !== spdyVersion) throw new Error(`unsupported SPDY version ${version}`);
        frames.push({ kind: 'control', type: first & 0xffff, flags, payload: body });
      } else {
        frames.push({ kind: 'data', streamId: first & 0x7fff_ffff, flags, data: body });
      }
    }
    return frames;
  }
}
