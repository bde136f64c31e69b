import { Duplex } from 'node:stream';
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';

import {
  decodeHeaderBlock,
  encodeControlFrame,
  encodeDataFrame,
  encodeHeaderBlock,
  spdyFlagFin,
  type SpdyFrame,
  SpdyFrameDecoder,
  spdyFrameTypes,
  spdyResetStatus,
} from './SpdyFrameDecoder.ts';
import { spdyHeaderDictionary } from './spdyHeaderDictionary.ts';

/** Data frames sent carry at most this many bytes (64 KiB; SPDY allows up to 16 MiB per frame). */
const dataChunkBytes = 64 * 1024;

/**
 * One stream a client opened (SYN_STREAM), as a Duplex: what the client sends arrives as
 * readable data (its FIN ends it), what is written goes out as data frames and `end()` sends
 * FIN. Destroying it before both sides finished resets it (RST_STREAM CANCEL).
 */
export class SpdyStream extends Duplex {
  /** The client's (odd) stream id. */
  readonly id: number;
  /** The SYN_STREAM's headers, names lowercase. */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  private readonly session: SpdySession;
  private sentFin = false;
  /** Set when the peer reset the stream or the session ended: nothing more may be sent. */
  gone = false;

  constructor(session: SpdySession, id: number, headers: ReadonlyMap<string, readonly string[]>) {
    super();
    this.session = session;
    this.id = id;
    this.headers = headers;
  }

  /** The first value of a header, if present. */
  header(name: string): string | undefined {
    return this.headers.get(name.toLowerCase())?.[0];
  }

  override _read(): void {
    // Data is pushed as frames arrive; SPDY/3.1 flow control is not enforced by spdystream.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    if (!this.gone) this.session.sendData(this.id, chunk, false);
    callback();
  }

  override _final(callback: () => void): void {
    if (!this.gone) this.session.sendData(this.id, Buffer.alloc(0), true);
    this.sentFin = true;
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.gone && !this.sentFin) this.session.reset(this.id, spdyResetStatus.cancel);
    this.gone = true;
    this.session.forget(this.id);
    callback(error);
  }
}

/**
 * The server side of a SPDY/3.1 connection as Kubernetes' streaming protocols use it
 * (spdystream): accepts every stream the client opens with an empty SYN_REPLY, answers the
 * client's PINGs, ignores SETTINGS and WINDOW_UPDATE, and closes on GOAWAY or when the
 * connection ends. Header blocks go through one zlib stream per direction primed with SPDY's
 * dictionary; zlib is asynchronous in Node, so incoming frames and outgoing frames are each
 * handled strictly in order through a promise chain.
 */
export class SpdySession {
  private readonly connection: Duplex;
  private readonly onStream: (stream: SpdyStream) => void;
  private readonly decoder = new SpdyFrameDecoder();
  private readonly streams = new Map<number, SpdyStream>();
  private readonly inflater: Inflate = createInflate({ dictionary: spdyHeaderDictionary });
  private readonly deflater: Deflate = createDeflate({
    dictionary: spdyHeaderDictionary,
    level: constants.Z_BEST_COMPRESSION,
  });
  private incoming: Promise<void> = Promise.resolve();
  private outgoing: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly closeListeners: (() => void)[] = [];

  /** Serves `connection` (its bytes are SPDY frames); `onStream` gets each accepted stream. */
  constructor(connection: Duplex, onStream: (stream: SpdyStream) => void, head?: Buffer) {
    this.connection = connection;
    this.onStream = onStream;
    connection.on('data', (chunk: Buffer) => this.receive(chunk));
    connection.on('end', () => this.close());
    connection.on('close', () => this.close());
    connection.on('error', () => this.close());
    if (head && head.length > 0) this.receive(head);
  }

  /** Calls `listener` once the session has ended. */
  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  /** Ends every stream and the connection. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const stream of [...this.streams.values()]) {
      stream.gone = true;
      stream.destroy();
    }
    this.streams.clear();
    this.inflater.close();
    this.deflater.close();
    if (!this.connection.destroyed) this.connection.end();
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  /** Sends `data` on a stream, cut into frames; `fin` ends the server's half. */
  sendData(streamId: number, data: Buffer, fin: boolean): void {
    for (let offset = 0; offset < data.length || (offset === 0 && fin);) {
      const piece = data.subarray(offset, offset + dataChunkBytes);
      offset += Math.max(piece.length, 1);
      const last = offset >= data.length;
      this.send(() => encodeDataFrame(streamId, fin && last ? spdyFlagFin : 0, piece));
    }
  }

  /** Resets a stream (RST_STREAM with `status`). */
  reset(streamId: number, status: number): void {
    const payload = Buffer.alloc(8);
    payload.writeUInt32BE(streamId & 0x7fff_ffff, 0);
    payload.writeUInt32BE(status, 4);
    this.send(() => encodeControlFrame(spdyFrameTypes.rstStream, 0, payload));
  }

  /** Drops a destroyed stream from the table. */
  forget(streamId: number): void {
    this.streams.delete(streamId);
  }

  private receive(chunk: Buffer): void {
    if (this.closed) return;
    let frames: SpdyFrame[];
    try {
      frames = this.decoder.push(chunk);
    } catch {
      this.close();
      return;
    }
    for (const frame of frames) {
      this.incoming = this.incoming.then(() => this.handle(frame)).catch(() => this.close());
    }
  }

  private send(build: () => Buffer | Promise<Buffer>): void {
    this.outgoing = this.outgoing
      .then(async () => {
        if (this.closed) return;
        const bytes = await build();
        if (!this.closed && this.connection.writable) this.connection.write(bytes);
      })
      .catch(() => this.close());
  }

  private async handle(frame: SpdyFrame): Promise<void> {
    if (this.closed) return;
    if (frame.kind === 'data') {
      const stream = this.streams.get(frame.streamId);
      if (!stream) return;
      if (frame.data.length > 0) stream.push(frame.data);
      if ((frame.flags & spdyFlagFin) !== 0) stream.push(null);
      return;
    }
    const payload = frame.payload;
    switch (frame.type) {
      case spdyFrameTypes.synStream: {
        const id = payload.readUInt32BE(0) & 0x7fff_ffff;
        const headers = decodeHeaderBlock(await this.inflate(payload.subarray(10)));
        const stream = new SpdyStream(this, id, headers);
        this.streams.set(id, stream);
        if ((frame.flags & spdyFlagFin) !== 0) stream.push(null);
        this.reply(id);
        this.onStream(stream);
        return;
      }
      case spdyFrameTypes.headers:
        // Nothing uses them, but the block must pass through the shared zlib stream.
        await this.inflate(payload.subarray(4));
        return;
      case spdyFrameTypes.rstStream: {
        const stream = this.streams.get(payload.readUInt32BE(0) & 0x7fff_ffff);
        if (stream) {
          stream.gone = true;
          stream.destroy();
        }
        return;
      }
      case spdyFrameTypes.ping:
        // The client's pings have odd ids; the server echoes them.
        if ((payload.readUInt32BE(0) & 1) === 1) {
          this.send(() => encodeControlFrame(spdyFrameTypes.ping, 0, payload));
        }
        return;
      case spdyFrameTypes.goAway:
        this.close();
        return;
      default:
        // SETTINGS, WINDOW_UPDATE and SYN_REPLY (the server opens no streams) need no answer.
        return;
    }
  }

  private reply(streamId: number): void {
    this.send(async () => {
      const id = Buffer.alloc(4);
      id.writeUInt32BE(streamId & 0x7fff_ffff);
      const block = await this.deflate(encodeHeaderBlock(new Map()));
      return encodeControlFrame(spdyFrameTypes.synReply, 0, Buffer.concat([id, block]));
    });
  }

  private inflate(block: Buffer): Promise<Buffer> {
    return flushThrough(this.inflater, block);
  }

  private deflate(block: Buffer): Promise<Buffer> {
    return flushThrough(this.deflater, block);
  }
}

/**
 * Writes `input` into a long-lived zlib stream and returns what it produced up to a sync flush
 * (the stream stays paused: output is read from its buffer once the flush is done).
 */
function flushThrough(stream: Inflate | Deflate, input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    stream.once('error', onError);
    stream.write(input);
    stream.flush(constants.Z_SYNC_FLUSH, () => {
      stream.off('error', onError);
      const chunks: Buffer[] = [];
      for (let chunk = stream.read() as Buffer | null; chunk !== null;) {
        chunks.push(chunk);
        chunk = stream.read() as Buffer | null;
      }
      resolve(Buffer.concat(chunks));
    });
  });
}
