import { describe, expect, it } from 'vitest';

import { LogBuffer } from './LogBuffer.ts';

describe('LogBuffer', () => {
  it('joins a line split across chunks and counts the unfinished last line', () => {
    const buffer = new LogBuffer();
    buffer.append('first li');
    expect(buffer.lineCount).toBe(1);
    expect(buffer.line(0)).toBe('first li');
    buffer.append('ne\nsecond\r\nthi');
    expect(buffer.lineCount).toBe(3);
    expect([buffer.line(0), buffer.line(1), buffer.line(2)]).toEqual([
      'first line',
      'second',
      'thi',
    ]);
    buffer.append('rd\n');
    expect(buffer.lineCount).toBe(3);
    expect(buffer.line(2)).toBe('third');
    expect(buffer.plainText()).toBe('first line\nsecond\nthird\n');
  });

  it('keeps only what follows a bare carriage return (progress bars)', () => {
    const buffer = new LogBuffer();
    buffer.append('10%\r50%\r100%\ndone\n');
    expect(buffer.line(0)).toBe('100%');
    expect(buffer.lineCount).toBe(2);
  });

  it('remembers the colour each line starts in, also across a chunk boundary', () => {
    const buffer = new LogBuffer();
    buffer.append('\u001b[32mgreen ');
    buffer.append('on\nstill green\n\u001b[0mplain\nplain too\n');
    expect(buffer.startStyle(0).fg).toBeUndefined();
    expect(buffer.startStyle(1).fg?.name).toBe('green');
    expect(buffer.startStyle(2).fg?.name).toBe('green');
    expect(buffer.startStyle(3).fg).toBeUndefined();
    expect(buffer.plainLine(2)).toBe('plain');
  });

  it('updates the plain text of the partial line as it grows', () => {
    const buffer = new LogBuffer();
    buffer.append('abc');
    expect(buffer.plainLine(0)).toBe('abc');
    buffer.append('def');
    expect(buffer.plainLine(0)).toBe('abcdef');
    buffer.clear();
    expect(buffer.lineCount).toBe(0);
    expect(buffer.plainText()).toBe('');
  });
});
