import { describe, expect, it } from 'vitest';

import {
  decodeHeaderBlock,
  encodeControlFrame,
  encodeDataFrame,
  encodeHeaderBlock,
  spdyFlagFin,
  SpdyFrameDecoder,
  spdyFrameTypes,
} from './SpdyFrameDecoder.ts';
import { spdyHeaderDictionary } from './spdyHeaderDictionary.ts';

describe('SPDY/3.1 framing', () => {
  it('writes control frames with the control bit, version 3, type, flags and 24-bit length', () => {
    const frame = encodeControlFrame(spdyFrameTypes.ping, 0, Buffer.from([0, 0, 0, 1]));
    expect([...frame]).toEqual([0x80, 0x03, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1]);
    const fin = encodeControlFrame(spdyFrameTypes.synReply, spdyFlagFin, Buffer.alloc(300));
    expect([...fin.subarray(4, 8)]).toEqual([0x01, 0x00, 0x01, 0x2c]);
  });

  it('writes data frames with the stream id, FIN and length', () => {
    const frame = encodeDataFrame(3, spdyFlagFin, Buffer.from('hi'));
    expect([...frame]).toEqual([0, 0, 0, 3, 0x01, 0, 0, 2, 0x68, 0x69]);
  });

  it('decodes frames split across chunks and several in one chunk', () => {
    const bytes = Buffer.concat([
      encodeControlFrame(spdyFrameTypes.windowUpdate, 0, Buffer.from([0, 0, 0, 1, 0, 1, 0, 0])),
      encodeDataFrame(1, 0, Buffer.from('hello')),
      encodeDataFrame(1, spdyFlagFin, Buffer.alloc(0)),
    ]);
    const decoder = new SpdyFrameDecoder();
    const frames = [
      ...decoder.push(bytes.subarray(0, 5)),
      ...decoder.push(bytes.subarray(5, 19)),
      ...decoder.push(bytes.subarray(19)),
    ];
    expect(frames).toEqual([
      {
        kind: 'control',
        type: spdyFrameTypes.windowUpdate,
        flags: 0,
        payload: Buffer.from([0, 0, 0, 1, 0, 1, 0, 0]),
      },
      { kind: 'data', streamId: 1, flags: 0, data: Buffer.from('hello') },
      { kind: 'data', streamId: 1, flags: spdyFlagFin, data: Buffer.alloc(0) },
    ]);
  });

  it('refuses control frames of another SPDY version', () => {
    const frame = encodeControlFrame(spdyFrameTypes.ping, 0, Buffer.alloc(4));
    frame.writeUInt16BE(0x8002, 0);
    expect(() => new SpdyFrameDecoder().push(frame)).toThrow('unsupported SPDY version 2');
  });

  it('round-trips header blocks: lowercase names, several values joined with NUL', () => {
    const block = encodeHeaderBlock(
      new Map([
        ['streamType', ['data']],
        ['port', ['8265']],
        ['x-multi', ['a', 'b']],
      ]),
    );
    expect(block.readUInt32BE(0)).toBe(3);
    expect(block.includes(Buffer.from('a\0b'))).toBe(true);
    expect(decodeHeaderBlock(block)).toEqual(
      new Map([
        ['streamtype', ['data']],
        ['port', ['8265']],
        ['x-multi', ['a', 'b']],
      ]),
    );
    expect(() => decodeHeaderBlock(block.subarray(0, block.length - 1))).toThrow('truncated');
  });

  it('has SPDY/3’s 1,423-byte header dictionary', () => {
    expect(spdyHeaderDictionary.length).toBe(1423);
    expect(spdyHeaderDictionary.subarray(0, 11)).toEqual(
      Buffer.from('\0\0\0\x07options', 'latin1'),
    );
    expect(spdyHeaderDictionary.subarray(-6).toString('latin1')).toBe('enq=0.');
  });
});
