import { Duplex } from 'node:stream';

/**
 * A Duplex standing for one forwarded TCP connection whose far end is a message channel (a
 * WebSocket channel of the port-forward protocol, or one side of {@link connectionPair}):
 * `deliver` pushes bytes that arrived, `deliverEnd` the peer's end; writes go to `send`, and
 * `end()` calls `sendEnd`.
 */
export class ForwardedConnection extends Duplex {
  private readonly send: (chunk: Buffer) => void;
  private readonly sendEnd: () => void;

  constructor(send: (chunk: Buffer) => void, sendEnd: () => void) {
    super();
    this.send = send;
    this.sendEnd = sendEnd;
  }

  /** Bytes from the peer. */
  deliver(chunk: Buffer): void {
    if (!this.destroyed) this.push(chunk);
  }

  /** The peer will send nothing more. */
  deliverEnd(): void {
    if (!this.destroyed) this.push(null);
  }

  override _read(): void {
    // Bytes are pushed as they arrive.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.send(chunk);
    callback();
  }

  override _final(callback: () => void): void {
    this.sendEnd();
    callback();
  }
}

/**
 * Two connected {@link ForwardedConnection}s, like the two ends of a loopback TCP connection
 * (Node 20 has no `stream.duplexPair`): what one writes the other reads; ending one ends the
 * other's readable side; destroying one destroys the other.
 */
export function connectionPair(): [ForwardedConnection, ForwardedConnection] {
  const ends: ForwardedConnection[] = [];
  const other = (index: number): ForwardedConnection | undefined => ends[1 - index];
  for (const index of [0, 1]) {
    ends.push(
      new ForwardedConnection(
        (chunk) => other(index)?.deliver(Buffer.from(chunk)),
        () => other(index)?.deliverEnd(),
      ),
    );
  }
  const [first, second] = ends as [ForwardedConnection, ForwardedConnection];
  first.once('close', () => second.destroy());
  second.once('close', () => first.destroy());
  return [first, second];
}
