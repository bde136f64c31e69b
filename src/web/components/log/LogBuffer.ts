import { type AnsiStyle, parseAnsi, plainStyle, stripAnsi } from './parseAnsi.ts';

/**
 * The lines of a log as it arrives in chunks: a chunk may end mid-line (the rest comes with the
 * next one), lines end in `\n` or `\r\n`, and a bare `\r` (progress bars) rewrites its line, so
 * only the text after the last `\r` is kept. Each line remembers the ANSI style it starts in,
 * because a colour set on one line lasts until it is reset. Mutable on purpose: a multi-MB log
 * is appended thousands of times, and copying it each time would be quadratic; the owner bumps
 * a version number to re-render.
 */
export class LogBuffer {
  private readonly complete: string[] = [];
  private readonly starts: AnsiStyle[] = [];
  private partial = '';
  private partialStart: AnsiStyle = plainStyle;
  private plainCache: (string | undefined)[] = [];
  /** Characters appended so far (for the size shown beside the log). */
  length = 0;

  /** Adds a chunk of log text. */
  append(text: string): void {
    if (!text) return;
    this.length += text.length;
    const pieces = (this.partial + text).split('\n');
    this.partial = pieces.pop() ?? '';
    let style = this.partialStart;
    for (const raw of pieces) {
      const line = normaliseLine(raw);
      this.complete.push(line);
      this.starts.push(style);
      style = line.includes('\u001b') ? parseAnsi(line, style).end : style;
    }
    this.partialStart = style;
    // The partial line's text changed; its plain text must be recomputed.
    this.plainCache.length = Math.min(this.plainCache.length, this.complete.length);
  }

  /** Empties the buffer (e.g. another pod chosen). */
  clear(): void {
    this.complete.length = 0;
    this.starts.length = 0;
    this.partial = '';
    this.partialStart = plainStyle;
    this.plainCache = [];
    this.length = 0;
  }

  /** Lines so far, counting an unfinished last line. */
  get lineCount(): number {
    return this.complete.length + (this.partial ? 1 : 0);
  }

  /** Line `index` as received (with escape codes), or `''` past the end. */
  line(index: number): string {
    if (index < this.complete.length) return this.complete[index] ?? '';
    return index === this.complete.length ? normaliseLine(this.partial) : '';
  }

  /** The style line `index` starts in. */
  startStyle(index: number): AnsiStyle {
    return index < this.starts.length ? (this.starts[index] ?? plainStyle) : this.partialStart;
  }

  /** Line `index` without escape codes (cached: search reads every line). */
  plainLine(index: number): string {
    const cached = this.plainCache[index];
    if (cached !== undefined) return cached;
    const plain = stripAnsi(this.line(index));
    if (index < this.complete.length) this.plainCache[index] = plain;
    return plain;
  }

  /** The whole log without escape codes, lines ending in `\n` (the download). */
  plainText(): string {
    const lines: string[] = [];
    for (let index = 0; index < this.lineCount; index += 1) lines.push(this.plainLine(index));
    return lines.length ? `${lines.join('\n')}${this.partial ? '' : '\n'}` : '';
  }
}

/** Drops a trailing `\r` (CRLF) and keeps what follows the last bare `\r` (rewritten line). */
function normaliseLine(raw: string): string {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const cut = line.lastIndexOf('\r');
  return cut === -1 ? line : line.slice(cut + 1);
}
