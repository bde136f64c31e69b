/**
 * A JSON parser that keeps what Python's `json.loads` would know and `JSON.parse` forgets: whether
 * a number was written as an integer (`1`) or a float (`1.0`, `1e3`). Ray's Jobs API rejects a
 * float `entrypoint_memory`, so the sandbox must see the difference. Like Python, it accepts
 * `NaN`, `Infinity` and `-Infinity`.
 */

/** A float whose value happens to be integral (`2.0`); other floats stay plain numbers. */
export class PyFloat {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

/** A parsed value: JSON types, with integral floats wrapped in {@link PyFloat}. */
export type PyJson =
  null | boolean | number | string | PyFloat | PyJson[] | { [key: string]: PyJson };

/** The input is not JSON; the message is Python's `JSONDecodeError` text. */
export class PyJsonDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JSONDecodeError';
  }
}

/** Parses `text` as Python's `json.loads` would. */
export function pythonJsonParse(text: string): PyJson {
  const parser = new Parser(text);
  parser.skipSpace();
  const value = parser.value();
  parser.skipSpace();
  if (parser.position < text.length) parser.fail('Extra data');
  return value;
}

/** True when Python would see an `int` (or a `bool`, which is an `int` in Python). */
export function isPyInt(value: PyJson): value is number | boolean {
  return typeof value === 'boolean' || (typeof value === 'number' && Number.isInteger(value));
}

/** True for Python `int`, `bool` or `float`: what `isinstance(v, (int, float))` accepts. */
export function isPyNumber(value: PyJson): boolean {
  return typeof value === 'number' || typeof value === 'boolean' || value instanceof PyFloat;
}

/** True for a JSON object. */
export function isPyDict(value: PyJson): value is { [key: string]: PyJson } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof PyFloat)
  );
}

/** Python's `type(value)` text, e.g. `<class 'float'>`. */
export function pyTypeName(value: PyJson): string {
  if (value === null) return "<class 'NoneType'>";
  if (typeof value === 'boolean') return "<class 'bool'>";
  if (typeof value === 'string') return "<class 'str'>";
  if (typeof value === 'number')
    return Number.isInteger(value) ? "<class 'int'>" : "<class 'float'>";
  if (value instanceof PyFloat) return "<class 'float'>";
  if (Array.isArray(value)) return "<class 'list'>";
  return "<class 'dict'>";
}

/** The plain JSON value: floats unwrapped and booleans kept. */
export function toPlainJson(value: PyJson): unknown {
  if (value instanceof PyFloat) return value.value;
  if (Array.isArray(value)) return value.map((item) => toPlainJson(item));
  if (isPyDict(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toPlainJson(item)]));
  }
  return value;
}

/** The number Python would compute with (`True` is 1). */
export function pyNumberValue(value: PyJson): number {
  if (value instanceof PyFloat) return value.value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return typeof value === 'number' ? value : Number.NaN;
}

class Parser {
  position = 0;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  fail(what: string): never {
    const before = this.text.slice(0, this.position);
    const line = before.split('\n').length;
    const column = this.position - before.lastIndexOf('\n');
    throw new PyJsonDecodeError(`${what}: line ${line} column ${column} (char ${this.position})`);
  }

  /** Matches a sticky (`y`) pattern at the current position, without copying the text. */
  private sticky(pattern: RegExp): RegExpExecArray | null {
    pattern.lastIndex = this.position;
    return pattern.exec(this.text);
  }

  skipSpace(): void {
    while (/[ \t\n\r]/.test(this.text[this.position] ?? '')) this.position++;
  }

  value(): PyJson {
    const char = this.text[this.position];
    if (char === '{') return this.object();
    if (char === '[') return this.array();
    if (char === '"') return this.string();
    for (const [word, value] of [
      ['null', null],
      ['true', true],
      ['false', false],
      ['NaN', new PyFloat(Number.NaN)],
      ['Infinity', new PyFloat(Number.POSITIVE_INFINITY)],
      ['-Infinity', new PyFloat(Number.NEGATIVE_INFINITY)],
    ] as const) {
      if (this.text.startsWith(word, this.position)) {
        this.position += word.length;
        return value;
      }
    }
    const number = this.sticky(/-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y);
    if (!number) this.fail('Expecting value');
    this.position += number[0].length;
    const parsed = Number(number[0]);
    const isFloat = number[1] !== undefined || number[2] !== undefined;
    return isFloat && Number.isInteger(parsed) ? new PyFloat(parsed) : parsed;
  }

  private object(): { [key: string]: PyJson } {
    const out: { [key: string]: PyJson } = {};
    this.position++;
    this.skipSpace();
    if (this.text[this.position] === '}') {
      this.position++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.position] !== '"') {
        this.fail('Expecting property name enclosed in double quotes');
      }
      const key = this.string();
      this.skipSpace();
      if (this.text[this.position] !== ':') this.fail("Expecting ':' delimiter");
      this.position++;
      this.skipSpace();
      out[key] = this.value();
      this.skipSpace();
      const next = this.text[this.position];
      this.position++;
      if (next === '}') return out;
      if (next !== ',') {
        this.position--;
        this.fail("Expecting ',' delimiter");
      }
    }
  }

  private array(): PyJson[] {
    const out: PyJson[] = [];
    this.position++;
    this.skipSpace();
    if (this.text[this.position] === ']') {
      this.position++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      out.push(this.value());
      this.skipSpace();
      const next = this.text[this.position];
      this.position++;
      if (next === ']') return out;
      if (next !== ',') {
        this.position--;
        this.fail("Expecting ',' delimiter");
      }
    }
  }

  private string(): string {
    const match = this.sticky(/"(?:[^"\\]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y);
    if (!match) this.fail('Unterminated string starting at');
    if ([...match[0]].some((char) => char.charCodeAt(0) < 0x20))
      this.fail('Invalid control character at');
    this.position += match[0].length;
    return JSON.parse(match[0]) as string;
  }
}
