import { describe, expect, it } from 'vitest';

import {
  closePayload,
  encodeFrame,
  FrameDecoder,
  opcodes,
  webSocketAccept,
} from './webSocketFrames.ts';

describe('WebSocket frames', () => {
  it('computes the accept key of RFC 6455’s example', () => {
    expect(webSocketAccept('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it.each([0, 125, 126, 65_535, 65_536])(
    'round-trips a %i-byte payload, masked and not',
    (length) => {
      const payload = Buffer.alloc(length, 'x');
      for (const mask of [undefined, Buffer.from([1, 2, 3, 4])]) {
        const frame = encodeFrame(opcodes.text, payload, mask);
        expect(new FrameDecoder().push(frame)).toEqual([
          { fin: true, opcode: opcodes.text, payload },
        ]);
      }
    },
  );

  it('uses the short, 16-bit and 64-bit length forms', () => {
    expect(encodeFrame(opcodes.text, Buffer.alloc(125))[1]).toBe(125);
    expect(encodeFrame(opcodes.text, Buffer.alloc(126))[1]).toBe(126);
    expect(encodeFrame(opcodes.text, Buffer.alloc(70_000))[1]).toBe(127);
  });

  it('waits for frames split across chunks and returns several from one chunk', () => {
    const both = Buffer.concat([
      encodeFrame(opcodes.text, Buffer.from('hello')),
      encodeFrame(opcodes.close, closePayload(1000, 'bye')),
    ]);
    const decoder = new FrameDecoder();
    expect(decoder.push(both.subarray(0, 3))).toEqual([]);
    const frames = decoder.push(both.subarray(3));
    expect(frames.map((frame) => frame.opcode)).toEqual([opcodes.text, opcodes.close]);
    expect(frames[1]?.payload.readUInt16BE(0)).toBe(1000);
    expect(frames[1]?.payload.subarray(2).toString()).toBe('bye');
  });
});
