/**
 * A small parser of ANSI SGR colour codes into styled text spans, rendered by React as text (never
 * as HTML). Written here rather than taken from `ansi_up` or `anser`: `ansi_up` produces an HTML
 * string the page would have to inject, and `anser` parses far more than Ray logs use (256 colours,
 * RGB, underline, blink) for a dependency of its own. Ray, Python and pip logs use the 16 basic
 * colours, bold and reset, which is what this handles:
 * - `0` (or empty) resets, `1` bold, `22` not bold;
 * - `30`–`37` foreground, `90`–`97` bright foreground, `39` default foreground;
 * - every other SGR number, and every other escape sequence (cursor moves, erase line, OSC titles),
 *   is dropped without showing its bytes.
 */

/** The eight ANSI colour names, in SGR order (30 + index, 90 + index for the bright ones). */
export const ansiColorNames = [
  'black',
  'red',
  'green',
  'yellow',
  'blue',
  'magenta',
  'cyan',
  'white',
] as const;
export type AnsiColorName = (typeof ansiColorNames)[number];

/** A foreground colour: one of the eight names, plain or bright. */
export interface AnsiColor {
  name: AnsiColorName;
  bright: boolean;
}

/** The style in effect at a point of the text. */
export interface AnsiStyle {
  fg?: AnsiColor;
  bold: boolean;
}

/** A run of text in one style; `text` has no escape bytes left. */
export interface AnsiSpan {
  text: string;
  style: AnsiStyle;
}

/** The style at the start of a log: default colour, not bold. */
export const plainStyle: AnsiStyle = { bold: false };

// Escape sequences: CSI (`ESC [ params final`), OSC (`ESC ] … BEL` or `ESC ] … ESC \`), and any
// other two-byte `ESC x`. Matching the ESC control character is the point of this pattern.
const escapePattern = new RegExp(
  // eslint-disable-next-line no-control-regex
  '\\u001b(?:\\[([0-9;?]*)([@-~])|\\][^\\u0007\\u001b]*(?:\\u0007|\\u001b\\\\)?|[@-_]?)',
  'g',
);

/** The style after applying one SGR parameter list (`1;31`) to `style`. */
function applySgr(style: AnsiStyle, params: string): AnsiStyle {
  let next: AnsiStyle = style;
  const codes = params === '' ? [0] : params.split(';').map((code) => Number(code || '0'));
  for (const code of codes) {
    if (code === 0) next = plainStyle;
    else if (code === 1) next = { ...next, bold: true };
    else if (code === 22) next = { ...next, bold: false };
    else if (code === 39) next = next.fg ? { bold: next.bold } : next;
    else if (code >= 30 && code <= 37) {
      next = { ...next, fg: { name: colorAt(code - 30), bright: false } };
    } else if (code >= 90 && code <= 97) {
      next = { ...next, fg: { name: colorAt(code - 90), bright: true } };
    }
    // Anything else (38;5;n, backgrounds, underline…) is ignored, not shown.
  }
  return next;
}

function colorAt(index: number): AnsiColorName {
  return ansiColorNames[index] ?? 'white';
}

/**
 * Splits one line into styled spans, starting in `start` (the style the previous line ended in:
 * SGR state carries across lines). Returns the spans and the style at the end of the line.
 */
export function parseAnsi(
  line: string,
  start: AnsiStyle = plainStyle,
): { spans: AnsiSpan[]; end: AnsiStyle } {
  const spans: AnsiSpan[] = [];
  let style = start;
  let last = 0;
  if (!line.includes('\u001b')) {
    return { spans: line ? [{ text: line, style }] : [], end: style };
  }
  for (const match of line.matchAll(escapePattern)) {
    const at = match.index;
    if (at > last) spans.push({ text: line.slice(last, at), style });
    last = at + match[0].length;
    if (match[2] === 'm' && match[1] !== undefined && !match[1].includes('?')) {
      style = applySgr(style, match[1]);
    }
  }
  if (last < line.length) spans.push({ text: line.slice(last), style });
  return { spans, end: style };
}

/** The line's text without any escape sequence (what search matches and what is shown). */
export function stripAnsi(line: string): string {
  return line.includes('\u001b') ? line.replace(escapePattern, '') : line;
}
