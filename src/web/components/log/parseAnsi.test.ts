import { describe, expect, it } from 'vitest';

import { parseAnsi, plainStyle, stripAnsi } from './parseAnsi.ts';

const esc = '\u001b';

describe('parseAnsi', () => {
  it('splits Ray’s coloured prefix into spans and drops the codes', () => {
    const line = `${esc}[36m(pid=812, ip=10.0.0.4)${esc}[0m GPU check: PASS`;
    const { spans, end } = parseAnsi(line);
    expect(spans).toEqual([
      {
        text: '(pid=812, ip=10.0.0.4)',
        style: { bold: false, fg: { name: 'cyan', bright: false } },
      },
      { text: ' GPU check: PASS', style: plainStyle },
    ]);
    expect(end).toEqual(plainStyle);
  });

  it('handles bold, bright colours, default foreground and combined parameters', () => {
    const { spans } = parseAnsi(`${esc}[1;91mERROR${esc}[39m still bold${esc}[22m plain`);
    expect(spans.map((span) => [span.text, span.style])).toEqual([
      ['ERROR', { bold: true, fg: { name: 'red', bright: true } }],
      [' still bold', { bold: true }],
      [' plain', { bold: false }],
    ]);
  });

  it('carries a colour across lines until it is reset', () => {
    const first = parseAnsi(`${esc}[33mwarning starts`);
    const second = parseAnsi('and goes on', first.end);
    expect(second.spans[0]?.style.fg).toEqual({ name: 'yellow', bright: false });
    expect(parseAnsi(`${esc}[m`, first.end).end).toEqual(plainStyle);
  });

  it('drops other escape sequences and unknown SGR codes without showing their bytes', () => {
    const line = `${esc}]0;title${esc}\\${esc}[2K${esc}[38;5;208m${esc}[4mtext${esc}[?25l!`;
    expect(stripAnsi(line)).toBe('text!');
    const { spans } = parseAnsi(line);
    expect(spans.map((span) => span.text).join('')).toBe('text!');
    // 38;5;208 sets "5" and "208" too, which are not colours here: the text stays default.
    expect(spans[0]?.style.fg).toBeUndefined();
  });

  it('keeps markup-looking text as text (it is rendered as text, never parsed as HTML)', () => {
    const { spans } = parseAnsi(`${esc}[31m<img src=x onerror=alert(1)>`);
    expect(spans[0]?.text).toBe('<img src=x onerror=alert(1)>');
  });
});
