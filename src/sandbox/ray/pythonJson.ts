/**
 * JSON as the Ray dashboard writes it. The dashboard is Python: `json.dumps` separates items
 * with `, ` and keys with `: ` and escapes every non-ASCII character (`ensure_ascii`), and
 * `rest_response` endpoints rename keys to camelCase with Ray's `to_google_style`. Clients that
 * compare bytes or parse loosely see the same text from the sandbox as from a real head.
 */

/** A JSON value. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Python's `json.dumps(value)` with default options; `undefined` object members are dropped. */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return JSON.stringify(value);
  }
  if (typeof value === 'string') return asciiString(value);
  if (Array.isArray(value)) return `[${value.map((item) => pythonJsonDumps(item)).join(', ')}]`;
  if (typeof value === 'object') {
    const members = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .map(([key, member]) => `${asciiString(key)}: ${pythonJsonDumps(member)}`);
    return `{${members.join(', ')}}`;
  }
  throw new TypeError(`Object of type ${typeof value} is not JSON serializable`);
}

function asciiString(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Python's `str.title()`: each run of letters starts upper case, the rest lower case. */
export function pythonTitle(text: string): string {
  let out = '';
  let previousCased = false;
  for (const char of text) {
    const cased = char.toLowerCase() !== char.toUpperCase();
    out += cased ? (previousCased ? char.toLowerCase() : char.toUpperCase()) : char;
    previousCased = cased;
  }
  return out;
}

/** Ray's `to_camel_case`: `object_store_memory` → `objectStoreMemory`. */
export function toCamelCase(snake: string): string {
  const [first = '', ...rest] = snake.split('_');
  return first + rest.map((part) => pythonTitle(part)).join('');
}

/**
 * Ray's `to_google_style`: renames the keys of `value` and of objects nested in it (directly or
 * as list items) to camelCase. Lists inside lists are left alone, as in Ray.
 */
export function toGoogleStyle(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    out[toCamelCase(key)] = Array.isArray(member)
      ? member.map((item: unknown) => (isPlainObject(item) ? toGoogleStyle(item) : item))
      : isPlainObject(member)
        ? toGoogleStyle(member)
        : member;
  }
  return out;
}

/** True for `{…}` objects (not arrays or null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Python's `repr()` of a parsed JSON value (`'text'`, `True`, `None`, `{'a': 1}`). */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    return value.includes("'") && !value.includes('"')
      ? `"${value}"`
      : `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  }
  if (Array.isArray(value)) return `[${value.map((item) => pythonRepr(item)).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([key, member]) => `${pythonRepr(key)}: ${pythonRepr(member)}`)
    .join(', ')}}`;
}
