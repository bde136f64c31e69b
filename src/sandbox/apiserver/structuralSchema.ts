import {
  type CelTypeHint,
  type CompiledRule,
  compileRule,
  evaluateRule,
  type ValidationRule,
} from './celRules.ts';

export type { ValidationRule } from './celRules.ts';

/**
 * The apiextensions.k8s.io/v1 JSONSchemaProps fields the sandbox understands in a CRD
 * version's `schema.openAPIV3Schema`. Formats other than the ones Kubernetes 1.35 validates
 * (date-time, date, uuid, ipv4, …) are accepted and ignored, as the API server does.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/extend-resources/custom-resource-definition-v1/#JSONSchemaProps
 */
export interface JsonSchemaProps {
  readonly type?: string;
  readonly format?: string;
  readonly description?: string;
  readonly title?: string;
  readonly properties?: Readonly<Record<string, JsonSchemaProps>>;
  readonly items?: JsonSchemaProps;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly default?: unknown;
  readonly example?: unknown;
  readonly nullable?: boolean;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: boolean;
  readonly exclusiveMaximum?: boolean;
  readonly multipleOf?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly additionalProperties?: boolean | JsonSchemaProps;
  readonly anyOf?: readonly JsonSchemaProps[];
  readonly allOf?: readonly JsonSchemaProps[];
  readonly oneOf?: readonly JsonSchemaProps[];
  readonly not?: JsonSchemaProps;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-embedded-resource'?: boolean;
  readonly 'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  readonly 'x-kubernetes-list-map-keys'?: readonly string[];
  readonly 'x-kubernetes-map-type'?: 'granular' | 'atomic';
  readonly 'x-kubernetes-validations'?: readonly ValidationRule[];
}

/**
 * One entry of a Status' `details.causes`, exactly as the API server words it: `reason` is
 * the field.ErrorType (FieldValueRequired, FieldValueInvalid, FieldValueTypeInvalid, …),
 * `message` its text without the field (`Required value`), `field` the path
 * (`spec.workerGroupSpecs[0].replicas`; `<nil>` for errors Kubernetes reports without one).
 */
export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

/**
 * The `fieldValidation` query parameter. Unknown fields are always pruned and listed in
 * `unknownFields`; the caller turns them into warnings (Warn) or a 400 strict decoding error
 * (Strict), as the API server does before validation.
 */
export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

/** Options of {@link admitWithSchema}. `oldObject` is the stored object on updates. */
export interface AdmitOptions {
  readonly fieldValidation: FieldValidation;
  readonly oldObject?: unknown;
}

/** The admitted (pruned, defaulted) copy, every validation cause, and the pruned paths. */
export interface AdmitResult {
  object: unknown;
  causes: StatusCause[];
  unknownFields: string[];
}

// ---------------------------------------------------------------------------------------------
// Compiled schema

interface SchemaNode extends CelTypeHint {
  readonly schemaType: string;
  readonly types: readonly string[];
  readonly typeLabel: string;
  /** `integer` or `number` when that is the only type (kube-openapi's number validator type). */
  readonly numericType: string;
  readonly nullable: boolean;
  readonly format: string;
  readonly formatCheck: ((value: string) => boolean) | undefined;
  readonly enumValues: readonly unknown[] | undefined;
  readonly properties: ReadonlyMap<string, SchemaNode> | undefined;
  readonly defaultedProperties: readonly (readonly [string, SchemaNode])[];
  readonly additional: SchemaNode | boolean | undefined;
  readonly items: SchemaNode | undefined;
  readonly required: readonly string[];
  readonly preserveUnknown: boolean;
  readonly embedded: boolean;
  readonly listType: string | undefined;
  readonly listMapKeys: readonly string[];
  readonly hasDefault: boolean;
  readonly defaultValue: unknown;
  readonly src: JsonSchemaProps;
  readonly pattern:
    | { readonly source: string; readonly regex: RegExp | undefined; readonly error: string }
    | undefined;
  readonly combinators: boolean;
  readonly anyOf: readonly SchemaNode[];
  readonly allOf: readonly SchemaNode[];
  readonly oneOf: readonly SchemaNode[];
  readonly not: SchemaNode | undefined;
  readonly rules: readonly CompiledRule[];
  /** Whether this node or any below carries x-kubernetes-validations. */
  readonly treeHasRules: boolean;
  readonly treeHasListTypes: boolean;
  readonly treeHasEmbedded: boolean;
}

const compiled = new WeakMap<object, SchemaNode>();

function compile(schema: JsonSchemaProps): SchemaNode {
  const cached = compiled.get(schema);
  if (cached) return cached;
  const intOrString = schema['x-kubernetes-int-or-string'] === true;
  const types = intOrString ? ['integer', 'string'] : schema.type ? [schema.type] : [];
  const properties = schema.properties
    ? new Map(Object.entries(schema.properties).map(([key, value]) => [key, compile(value)]))
    : undefined;
  const additional =
    schema.additionalProperties === undefined
      ? undefined
      : typeof schema.additionalProperties === 'boolean'
        ? schema.additionalProperties
        : compile(schema.additionalProperties);
  const items = schema.items ? compile(schema.items) : undefined;
  const anyOf = (schema.anyOf ?? []).map(compile);
  const allOf = (schema.allOf ?? []).map(compile);
  const oneOf = (schema.oneOf ?? []).map(compile);
  const not = schema.not ? compile(schema.not) : undefined;
  const rules = (schema['x-kubernetes-validations'] ?? []).map(compileRule);
  const children = [...(properties?.values() ?? []), ...(items ? [items] : [])];
  if (typeof additional === 'object') children.push(additional);
  const format = supportedFormat(schema.format);
  const node: SchemaNode = {
    src: schema,
    schemaType: schema.type ?? '',
    types,
    typeLabel: types.join(','),
    numericType:
      types.length === 1 && (types[0] === 'integer' || types[0] === 'number') ? types[0] : '',
    nullable: schema.nullable === true,
    format,
    formatCheck: format ? formatCheckers[normalizeFormat(format)] : undefined,
    enumValues: schema.enum && schema.enum.length > 0 ? schema.enum : undefined,
    properties,
    defaultedProperties: properties ? [...properties].filter(([, child]) => child.hasDefault) : [],
    additional,
    items,
    required: schema.required ?? [],
    preserveUnknown: schema['x-kubernetes-preserve-unknown-fields'] === true,
    embedded: schema['x-kubernetes-embedded-resource'] === true,
    listType: schema['x-kubernetes-list-type'],
    listMapKeys: schema['x-kubernetes-list-map-keys'] ?? [],
    hasDefault: schema.default !== undefined && schema.default !== null,
    defaultValue: schema.default,
    pattern: schema.pattern === undefined ? undefined : compilePattern(schema.pattern),
    combinators: anyOf.length > 0 || allOf.length > 0 || oneOf.length > 0 || not !== undefined,
    anyOf,
    allOf,
    oneOf,
    not,
    rules,
    treeHasRules: rules.length > 0 || children.some((child) => child.treeHasRules),
    treeHasListTypes:
      schema['x-kubernetes-list-type'] === 'set' ||
      schema['x-kubernetes-list-type'] === 'map' ||
      children.some((child) => child.treeHasListTypes),
    treeHasEmbedded:
      schema['x-kubernetes-embedded-resource'] === true ||
      children.some((child) => child.treeHasEmbedded),
    integer: types.includes('integer'),
    number: types.includes('number'),
    timestamp:
      types.includes('string') &&
      (normalizeFormat(schema.format ?? '') === 'datetime' || schema.format === 'date'),
    child(key: string): CelTypeHint | undefined {
      return properties?.get(key) ?? (typeof additional === 'object' ? additional : undefined);
    },
  };
  compiled.set(schema, node);
  return node;
}

function compilePattern(source: string): NonNullable<SchemaNode['pattern']> {
  try {
    return { source, regex: new RegExp(source, 'u'), error: '' };
  } catch {
    try {
      return { source, regex: new RegExp(source), error: '' };
    } catch (error) {
      return { source, regex: undefined, error: error instanceof Error ? error.message : '' };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Formats: the ones apiextensions-apiserver 1.35 keeps (others are stripped, i.e. ignored).

const supportedFormats = new Set([
  'bsonobjectid',
  'uri',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'cidr',
  'mac',
  'uuid',
  'uuid3',
  'uuid4',
  'uuid5',
  'isbn',
  'isbn10',
  'isbn13',
  'creditcard',
  'ssn',
  'hexcolor',
  'rgbcolor',
  'byte',
  'password',
  'date',
  'duration',
  'datetime',
  'k8sshortname',
  'k8slongname',
]);

function normalizeFormat(format: string): string {
  return format.replaceAll('-', '').toLowerCase();
}

function supportedFormat(format: string | undefined): string {
  return format && supportedFormats.has(normalizeFormat(format)) ? format : '';
}

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const ipv4Pattern = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// strfmt.IsDateTime: a full-date, a "t", then hh:mm:ss[.frac](z|±hh:mm), case-insensitive.
function isDateTime(value: string): boolean {
  if (value.length < 4) return false;
  const parts = value.toLowerCase().split('t');
  if (parts.length < 2 || !isDate(parts[0] ?? '')) return false;
  const match = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/.exec(
    parts[1] ?? '',
  );
  return (
    match !== null &&
    (match[1] ?? '') <= '23' &&
    (match[2] ?? '') <= '59' &&
    (match[3] ?? '') <= '59'
  );
}

function isIPv6(value: string): boolean {
  if (!value.includes(':')) return false;
  let text = value;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  let groupsNeeded = 8;
  if (tail.includes('.')) {
    if (!ipv4Pattern.test(tail)) return false;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const group = /^[0-9a-fA-F]{1,4}$/;
  const parse = (part: string): string[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    return groups.every((g) => group.test(g)) ? groups : undefined;
  };
  const head = parse(halves[0] ?? '');
  if (!head) return false;
  if (halves.length === 1) return head.length === groupsNeeded;
  const rest = parse(halves[1] ?? '');
  if (!rest) return false;
  groupsNeeded -= 1;
  return head.length + rest.length <= groupsNeeded;
}

const formatCheckers: Readonly<Record<string, (value: string) => boolean>> = {
  bsonobjectid: (v) => /^[0-9a-fA-F]{24}$/.test(v),
  uri: (v) => /^([a-zA-Z][a-zA-Z0-9+.-]*:|\/)[^\s]*$/.test(v),
  email: (v) => /^[^\s@<>]+@[^\s@<>]+$/.test(v) || /^[^<>]*<[^\s@<>]+@[^\s@<>]+>$/.test(v),
  hostname: (v) =>
    v.length <= 255 &&
    /^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9\-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$/u.test(
      v,
    ),
  ipv4: (v) => ipv4Pattern.test(v),
  ipv6: isIPv6,
  cidr: (v) => {
    const [address, bits, extra] = v.split('/');
    if (address === undefined || bits === undefined || extra !== undefined || !/^\d+$/.test(bits)) {
      return false;
    }
    if (ipv4Pattern.test(address)) return Number(bits) <= 32;
    return isIPv6(address) && Number(bits) <= 128;
  },
  mac: (v) =>
    /^([0-9a-fA-F]{2}[:-]){5}([0-9a-fA-F]{2})$/.test(v) ||
    /^([0-9a-fA-F]{2}[:-]){7}([0-9a-fA-F]{2})$/.test(v) ||
    /^([0-9a-fA-F]{2}[:-]){19}([0-9a-fA-F]{2})$/.test(v) ||
    /^([0-9a-fA-F]{4}\.){2}([0-9a-fA-F]{4})$/.test(v) ||
    /^([0-9a-fA-F]{4}\.){3}([0-9a-fA-F]{4})$/.test(v),
  uuid: (v) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(v),
  uuid3: (v) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(v),
  uuid4: (v) =>
    /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(v),
  uuid5: (v) =>
    /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(v),
  isbn: (v) => /^(\d{9}[\dXx]|\d{13})$/.test(v.replaceAll(/[\s-]/g, '')),
  isbn10: (v) => /^\d{9}[\dXx]$/.test(v.replaceAll(/[\s-]/g, '')),
  isbn13: (v) => /^\d{13}$/.test(v.replaceAll(/[\s-]/g, '')),
  creditcard: (v) => /^\d{12,19}$/.test(v.replaceAll(/\D/g, '')),
  ssn: (v) => /^\d{3}[- ]?\d{2}[- ]?\d{4}$/.test(v),
  hexcolor: (v) => /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(v),
  rgbcolor: (v) => /^rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)$/.test(v),
  byte: (v) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(v),
  password: () => true,
  date: isDate,
  duration: (v) =>
    /^([+-]?(\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/.test(v) ||
    v === '0' ||
    /^\d+\s*(ns|nano|nanos|nanosecond|nanoseconds|us|micro|micros|microsecond|microseconds|ms|milli|millis|millisecond|milliseconds|s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hour|hours|d|day|days|w|wk|week|weeks)$/i.test(
      v,
    ),
  datetime: isDateTime,
  k8sshortname: (v) => v.length <= 63 && dns1123Label.test(v),
  k8slongname: (v) => v.length <= 253 && dns1123Subdomain.test(v),
};

// ---------------------------------------------------------------------------------------------
// Go-compatible rendering of values in messages (field.Error.ErrorBody, kube-openapi %v/%q)

const omitValue = Symbol('omitValue');

function isPrintable(char: string): boolean {
  return char === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(char);
}

/** strconv.Quote: a double-quoted Go string literal. */
function goQuote(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text) && !/["\\]/.test(text)) return `"${text}"`;
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (code >= 0x20 && code < 0x7f) out += char;
    else if (code === 7) out += '\\a';
    else if (code === 8) out += '\\b';
    else if (code === 12) out += '\\f';
    else if (code === 10) out += '\\n';
    else if (code === 13) out += '\\r';
    else if (code === 9) out += '\\t';
    else if (code === 11) out += '\\v';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code < 0xd800 || code > 0xdfff ? isPrintable(char) : false) out += char;
    else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** Go's %v of a float64: shortest digits, exponent form below 1e-4 and from 1e21 on… */
function goFloat(value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa = '0', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  // …precisely: %g with the shortest precision uses the exponent form when exp < -4 || exp >= 21.
  if (exponent < -4 || exponent >= 21) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(value);
}

/** Go's %v of a number the JSON decoder made an int64 (whole) or a float64 (fractional). */
function goNumber(value: number): string {
  return isWholeNumber(value) ? BigInt(value).toString() : goFloat(value);
}

function isWholeNumber(value: number): boolean {
  return Number.isInteger(value) && Math.abs(value) < 9.223372036854776e18;
}

function goJsonString(text: string): string {
  return JSON.stringify(text).replace(/[<>&\u2028\u2029]/g, (char) => {
    return `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
  });
}

/** encoding/json.Marshal: map keys sorted, HTML characters escaped. */
function goJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return `{${keys.map((key) => `${goJsonString(key)}:${goJson(record[key])}`).join(',')}}`;
  }
  return 'null';
}

/** field.Error's rendering of a bad value. */
function renderBadValue(value: unknown): string {
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'boolean') return String(value);
  return goJson(value);
}

type ErrorType =
  | 'FieldValueRequired'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueInvalid'
  | 'FieldValueTypeInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'InternalError';

const errorTypeText: Readonly<Record<ErrorType, string>> = {
  FieldValueRequired: 'Required value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueInvalid: 'Invalid value',
  FieldValueTypeInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value',
  InternalError: 'Internal error',
};

/** Builds a cause as field.Error would: `<type text>[: <bad value>][: <detail>]`. */
function makeCause(type: ErrorType, field: string, value: unknown, detail: string): StatusCause {
  let message = errorTypeText[type];
  const showsValue =
    type !== 'FieldValueRequired' &&
    type !== 'FieldValueForbidden' &&
    type !== 'FieldValueTooLong' &&
    type !== 'InternalError' &&
    value !== omitValue;
  if (showsValue) message += `: ${renderBadValue(value)}`;
  if (detail.length > 0) message += `: ${detail}`;
  return { reason: type, message, field };
}

/**
 * A cause in the `field: message` form the API server joins into a Status message
 * (`spec.headGroupSpec: Required value`).
 */
export function formatCause(cause: StatusCause): string {
  return cause.field === '' ? cause.message : `${cause.field}: ${cause.message}`;
}

// ---------------------------------------------------------------------------------------------
// Paths

const PROP = 0;
const KEY = 1;

/** The path to the node being visited; rendered only when an error or pruned field needs it. */
class PathStack {
  readonly names: (string | number)[] = [];
  readonly kinds: number[] = [];

  push(name: string | number, kind: number = PROP): void {
    this.names.push(name);
    this.kinds.push(kind);
  }

  pop(): void {
    this.names.pop();
    this.kinds.pop();
  }

  get depth(): number {
    return this.names.length;
  }

  /** kube-openapi and pruning style: map keys as `.key`, indexes as `[i]`. */
  dotted(extra?: string): string {
    let out = '';
    for (const name of this.names) {
      if (typeof name === 'number') out += `[${name}]`;
      else out += out === '' ? name : `.${name}`;
    }
    if (extra !== undefined) out += out === '' ? extra : `.${extra}`;
    return out;
  }

  /** field.Path style: map keys as `[key]`. */
  field(): string {
    let out = '';
    for (let i = 0; i < this.names.length; i++) {
      const name = this.names[i];
      if (typeof name === 'number') out += `[${name}]`;
      else if (this.kinds[i] === KEY) out += `[${name}]`;
      else out += out === '' ? (name ?? '') : `.${name ?? ''}`;
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Small JSON helpers

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setKey(target: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const key of Object.keys(value)) setKey(out, key, clone(value[key]));
    return out;
  }
  return value;
}

function sortKeys(value: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort()) setKey(out, key, value[key]);
  return out;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    for (const key of keys) {
      if (!Object.hasOwn(b, key) || !deepEqual(a[key], b[key])) return false;
    }
    return true;
  }
  return false;
}

type ValueKind = 'null' | 'string' | 'boolean' | 'integer' | 'number' | 'array' | 'object';

function kindOf(value: unknown): ValueKind {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return isWholeNumber(value) ? 'integer' : 'number';
    default:
      return Array.isArray(value) ? 'array' : 'object';
  }
}

function runeCount(text: string): number {
  if (!/[\uD800-\uDFFF]/.test(text)) return text.length;
  let count = 0;
  for (const char of text) count += char.length > 0 ? 1 : 0;
  return count;
}

// ---------------------------------------------------------------------------------------------
// Admission, part 1: pruning, null pruning, defaulting (one copy of the object)

const metaFields = new Set(['apiVersion', 'kind', 'metadata']);

interface PruneState {
  readonly path: PathStack;
  readonly unknown: string[];
  readonly metaUnknown: string[];
  readonly metaCauses: StatusCause[];
}

function recordUnknown(state: PruneState, key: string): void {
  state.unknown.push(state.path.dotted(key));
}

function defaultCopy(node: SchemaNode): unknown {
  return applyDefaults(clone(node.defaultValue), node);
}

/** structuraldefaulting.Default on a value that is already ours (a fresh default copy). */
function applyDefaults(value: unknown, node: SchemaNode | undefined): unknown {
  if (!node) return value;
  if (Array.isArray(value)) {
    const items = node.items;
    for (let i = 0; i < value.length; i++) {
      if (value[i] === null && items && !items.nullable)
        value[i] = clone(items.defaultValue) ?? null;
      value[i] = applyDefaults(value[i], items);
    }
    return value;
  }
  if (!isObject(value)) return value;
  let added = false;
  for (const [key, prop] of node.defaultedProperties) {
    const current = value[key];
    if (!Object.hasOwn(value, key) || (current === null && !prop.nullable)) {
      added = added || !Object.hasOwn(value, key);
      setKey(value, key, clone(prop.defaultValue));
    }
  }
  for (const key of Object.keys(value)) {
    const prop = node.properties?.get(key);
    if (prop) {
      value[key] = applyDefaults(value[key], prop);
    } else if (typeof node.additional === 'object') {
      const additional = node.additional;
      if (value[key] === null && !additional.nullable && additional.hasDefault) {
        value[key] = clone(additional.defaultValue);
      }
      value[key] = applyDefaults(value[key], additional);
    }
  }
  return added ? sortKeys(value) : value;
}

function admitItem(
  item: unknown,
  items: SchemaNode | undefined,
  state: PruneState,
  skip: boolean,
): unknown {
  if (item === null && items && !items.nullable) {
    return items.hasDefault ? defaultCopy(items) : null;
  }
  return skip ? skipPrune(item, items, state) : prune(item, items, state);
}

/** structuralpruning.prune, fused with null pruning and defaulting, returning a copy. */
function prune(value: unknown, node: SchemaNode | undefined, state: PruneState): unknown {
  if (node?.preserveUnknown) return skipPrune(value, node, state);
  if (Array.isArray(value)) {
    const items = node?.items;
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      state.path.push(i);
      out[i] = admitItem(value[i], items, state, false);
      state.path.pop();
    }
    return out;
  }
  if (isObject(value)) {
    if (!node) {
      for (const key of Object.keys(value)) recordUnknown(state, key);
      return {};
    }
    return admitObject(value, node, state, false, false);
  }
  return value;
}

/** structuralpruning.skipPrune: below x-kubernetes-preserve-unknown-fields. */
function skipPrune(value: unknown, node: SchemaNode | undefined, state: PruneState): unknown {
  if (!node) return clone(value);
  if (Array.isArray(value)) {
    const items = node.items;
    if (!items) return clone(value);
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      state.path.push(i);
      out[i] = admitItem(value[i], items, state, true);
      state.path.pop();
    }
    return out;
  }
  if (isObject(value)) return admitObject(value, node, state, true, false);
  return value;
}

function admitObject(
  value: JsonObject,
  node: SchemaNode,
  state: PruneState,
  keepUnknown: boolean,
  isRoot: boolean,
): JsonObject {
  const out: JsonObject = {};
  const embedded = node.embedded || isRoot;
  for (const key of Object.keys(value).sort()) {
    const child = value[key];
    if (embedded && metaFields.has(key)) {
      if (key === 'metadata') {
        const meta = coerceObjectMeta(child, state);
        if (meta !== undefined) out['metadata'] = meta;
      } else {
        out[key] = clone(child);
      }
      continue;
    }
    const prop = node.properties?.get(key);
    let sub: SchemaNode | undefined;
    let kind = PROP;
    if (prop) {
      sub = prop;
    } else if (node.additional !== undefined) {
      sub = typeof node.additional === 'object' ? node.additional : undefined;
      kind = KEY;
    } else {
      if (keepUnknown) setKey(out, key, clone(child));
      else if (!metaFields.has(key) || state.path.depth > 0) recordUnknown(state, key);
      continue;
    }
    if (child === null && sub && !sub.nullable) {
      // Non-nullable nulls are pruned, or replaced by the default when there is one.
      if (sub.hasDefault) setKey(out, key, defaultCopy(sub));
      continue;
    }
    state.path.push(key, kind);
    setKey(out, key, prune(child, sub, state));
    state.path.pop();
  }
  let added = false;
  for (const [key, prop] of node.defaultedProperties) {
    if (!Object.hasOwn(out, key) && !(embedded && metaFields.has(key))) {
      out[key] = defaultCopy(prop);
      added = true;
    }
  }
  return added ? sortKeys(out) : out;
}

// ObjectMeta as metav1.ObjectMeta decodes it: known fields with their JSON types.
type MetaFieldKind =
  | 'string'
  | 'time'
  | 'integer'
  | 'optionalInteger'
  | 'stringMap'
  | 'stringList'
  | 'ownerReferences'
  | 'managedFields';

const objectMetaFields: Readonly<Record<string, MetaFieldKind>> = {
  name: 'string',
  generateName: 'string',
  namespace: 'string',
  selfLink: 'string',
  uid: 'string',
  resourceVersion: 'string',
  generation: 'integer',
  creationTimestamp: 'time',
  deletionTimestamp: 'time',
  deletionGracePeriodSeconds: 'optionalInteger',
  labels: 'stringMap',
  annotations: 'stringMap',
  ownerReferences: 'ownerReferences',
  finalizers: 'stringList',
  managedFields: 'managedFields',
};

const ownerReferenceFields: Readonly<Record<string, 'string' | 'boolean'>> = {
  apiVersion: 'string',
  kind: 'string',
  name: 'string',
  uid: 'string',
  controller: 'boolean',
  blockOwnerDeletion: 'boolean',
};

const managedFieldsEntryFields: Readonly<Record<string, 'string' | 'object'>> = {
  manager: 'string',
  operation: 'string',
  apiVersion: 'string',
  time: 'string',
  fieldsType: 'string',
  fieldsV1: 'object',
  subresource: 'string',
};

function metaTypeCause(path: string, expected: string, value: unknown): StatusCause {
  const actual = kindOf(value);
  return makeCause(
    'FieldValueTypeInvalid',
    path,
    actual,
    `${path} in body must be of type ${expected}: ${goQuote(actual)}`,
  );
}

function coerceNested(
  value: unknown,
  fields: Readonly<Record<string, string>>,
  path: string,
  state: PruneState,
): JsonObject | undefined {
  if (!isObject(value)) {
    state.metaCauses.push(metaTypeCause(path, 'object', value));
    return undefined;
  }
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort()) {
    const expected = fields[key];
    const child = value[key];
    if (expected === undefined) {
      state.metaUnknown.push(`${path}.${key}`);
      continue;
    }
    if (child === null) continue;
    const actual = kindOf(child);
    if (actual !== expected) {
      state.metaCauses.push(metaTypeCause(`${path}.${key}`, expected, child));
      continue;
    }
    out[key] = clone(child);
  }
  return out;
}

/**
 * schemaobjectmeta: metadata keeps only the fields of ObjectMeta (unknown ones are pruned and
 * reported as `metadata.x`), and empty values drop out as the Go round trip omits them.
 */
function coerceObjectMeta(value: unknown, state: PruneState): JsonObject | undefined {
  const prefix = state.path.dotted('metadata');
  if (value === null || value === undefined) return {};
  if (!isObject(value)) {
    state.metaCauses.push(metaTypeCause(prefix, 'object', value));
    return undefined;
  }
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort()) {
    const kind = objectMetaFields[key];
    const child = value[key];
    const path = `${prefix}.${key}`;
    if (kind === undefined) {
      state.metaUnknown.push(path);
      continue;
    }
    if (child === null) {
      if (key === 'creationTimestamp') out[key] = null;
      continue;
    }
    switch (kind) {
      case 'string':
        if (typeof child !== 'string') state.metaCauses.push(metaTypeCause(path, 'string', child));
        else if (child !== '') out[key] = child;
        break;
      case 'time':
        if (typeof child !== 'string') state.metaCauses.push(metaTypeCause(path, 'string', child));
        else if (!isDateTime(child)) {
          state.metaCauses.push(
            makeCause(
              'FieldValueTypeInvalid',
              path,
              child,
              `${path} in body must be of type date-time: ${goQuote(child)}`,
            ),
          );
        } else out[key] = child;
        break;
      case 'integer':
      case 'optionalInteger':
        if (kindOf(child) !== 'integer')
          state.metaCauses.push(metaTypeCause(path, 'integer', child));
        else if (child !== 0 || kind === 'optionalInteger') out[key] = child;
        break;
      case 'stringMap': {
        if (!isObject(child)) {
          state.metaCauses.push(metaTypeCause(path, 'object', child));
          break;
        }
        const map: JsonObject = {};
        for (const entry of Object.keys(child).sort()) {
          const text = child[entry];
          if (text === null) setKey(map, entry, '');
          else if (typeof text !== 'string') {
            state.metaCauses.push(metaTypeCause(`${path}.${entry}`, 'string', text));
          } else setKey(map, entry, text);
        }
        if (Object.keys(map).length > 0) out[key] = map;
        break;
      }
      case 'stringList': {
        if (!Array.isArray(child)) {
          state.metaCauses.push(metaTypeCause(path, 'array', child));
          break;
        }
        const list: string[] = [];
        child.forEach((item: unknown, index) => {
          if (typeof item === 'string') list.push(item);
          else state.metaCauses.push(metaTypeCause(`${path}[${index}]`, 'string', item));
        });
        if (list.length > 0) out[key] = list;
        break;
      }
      case 'ownerReferences':
      case 'managedFields': {
        if (!Array.isArray(child)) {
          state.metaCauses.push(metaTypeCause(path, 'array', child));
          break;
        }
        const fields = kind === 'ownerReferences' ? ownerReferenceFields : managedFieldsEntryFields;
        const list: JsonObject[] = [];
        child.forEach((item: unknown, index) => {
          const entry = coerceNested(item, fields, `${path}[${index}]`, state);
          if (entry) list.push(entry);
        });
        if (list.length > 0) out[key] = list;
        break;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Admission, part 2: validation (kube-openapi, embedded resources, list types, CEL)

interface CelItem {
  readonly node: SchemaNode;
  readonly value: unknown;
  readonly old: unknown;
  readonly path: string;
  readonly ratchet: { readonly value: unknown; readonly old: unknown } | undefined;
}

interface ValidateState {
  readonly path: PathStack;
  readonly openapi: StatusCause[];
  /** Validators applied, kube-openapi's MatchCount (picks the best failing anyOf branch). */
  matches: number;
  readonly embedded: StatusCause[] | undefined;
  list: StatusCause[] | undefined;
  readonly cel: CelItem[] | undefined;
}

function plainError(state: ValidateState, message: string): void {
  state.openapi.push(makeCause('FieldValueInvalid', '<nil>', '', message));
}

function openapiCause(
  state: ValidateState,
  type: ErrorType,
  name: string,
  value: unknown,
  detail: string,
): void {
  state.openapi.push(makeCause(type, name === '' ? '<nil>' : name, value, detail));
}

function typeInvalid(state: ValidateState, label: string, value: string): void {
  const name = state.path.dotted();
  openapiCause(
    state,
    'FieldValueTypeInvalid',
    name,
    value,
    `${name} in body must be of type ${label}: ${goQuote(value)}`,
  );
}

function enumMatches(value: unknown, candidate: unknown): boolean {
  if (value === null) return false;
  if (typeof candidate !== 'object' || candidate === null) return value === candidate;
  return deepEqual(value, candidate);
}

function checkEnum(value: unknown, node: SchemaNode, state: ValidateState): void {
  const values = node.enumValues;
  if (!values) return;
  state.matches++;
  for (const candidate of values) if (enumMatches(value, candidate)) return;
  const supported = values.map((candidate) => {
    return goQuote(typeof candidate === 'string' ? candidate : goJson(candidate));
  });
  state.openapi.push(
    makeCause(
      'FieldValueNotSupported',
      state.path.dotted() || '<nil>',
      value,
      `supported values: ${supported.join(', ')}`,
    ),
  );
}

function checkType(value: unknown, kind: ValueKind, node: SchemaNode, state: ValidateState): void {
  if (node.types.length === 0 && node.format === '') return;
  state.matches++;
  const types = node.types;
  const dataFormat = kind === 'integer' ? 'int64' : kind === 'number' ? 'float64' : '';
  const isIntFloat = kind === 'integer' && types.includes('number');
  const isFloatInt =
    kind === 'number' && isJsonInteger(value as number) && types.includes('integer');
  if (
    kind !== 'string' &&
    kind !== 'array' &&
    node.format !== '' &&
    !(types.includes(kind) || dataFormat === node.format || isFloatInt || isIntFloat)
  ) {
    typeInvalid(state, node.format, dataFormat);
    return;
  }
  if (
    !(types.includes('number') || types.includes('integer')) &&
    node.format !== '' &&
    (kind === 'string' || kind === 'array')
  ) {
    return;
  }
  if (types.length > 0 && !(types.includes(kind) || isFloatInt || isIntFloat)) {
    typeInvalid(state, node.typeLabel, kind);
  }
}

function isJsonInteger(value: number): boolean {
  if (!Number.isFinite(value) || Math.abs(value) > 2 ** 53) return false;
  if (Number.isInteger(value)) return true;
  const rounded = Math.round(value);
  return Math.abs(value - rounded) / (Math.abs(value) + Math.abs(rounded)) < 1e-9;
}

function checkString(value: string, node: SchemaNode, state: ValidateState): void {
  const { maxLength, minLength } = node.src;
  if (maxLength === undefined && minLength === undefined && !node.pattern) return;
  state.matches++;
  const name = state.path.dotted();
  if (maxLength !== undefined && value.length > maxLength && runeCount(value) > maxLength) {
    openapiCause(
      state,
      'FieldValueTooLong',
      name,
      '',
      `may not be more than ${maxLength} ${maxLength === 1 ? 'byte' : 'bytes'}`,
    );
    return;
  }
  if (minLength !== undefined && runeCount(value) < minLength) {
    openapiCause(
      state,
      'FieldValueInvalid',
      name,
      value,
      `${name} in body should be at least ${minLength} chars long`,
    );
    return;
  }
  const pattern = node.pattern;
  if (pattern) {
    if (!pattern.regex) {
      openapiCause(
        state,
        'FieldValueInvalid',
        name,
        value,
        `${name} in body should match '${pattern.source}, but pattern is invalid: ${pattern.error}'`,
      );
    } else if (!pattern.regex.test(value)) {
      openapiCause(
        state,
        'FieldValueInvalid',
        name,
        value,
        `${name} in body should match '${pattern.source}'`,
      );
    }
  }
}

function boundFitsType(bound: number, node: SchemaNode): boolean {
  return node.numericType !== 'integer' || isWholeNumber(bound);
}

function checkNumber(value: number, node: SchemaNode, state: ValidateState): void {
  const { multipleOf, maximum, minimum } = node.src;
  state.matches++;
  const whole = isWholeNumber(value);
  if (node.numericType === 'integer' && !whole) {
    plainError(
      state,
      `Checked value must be of type integer (default format) in ${state.path.dotted()}`,
    );
  }
  if (multipleOf !== undefined) {
    const name = state.path.dotted();
    const fits = boundFitsType(multipleOf, node);
    if (!fits) {
      plainError(state, `MultipleOf value must be of type integer (default format) in ${name}`);
    }
    if (multipleOf <= 0) {
      openapiCause(
        state,
        'FieldValueInvalid',
        name,
        multipleOf,
        `factor MultipleOf declared for ${name} must be positive: ${goFloat(multipleOf)}`,
      );
    } else if (fits && whole && Number.isInteger(multipleOf)) {
      if (value % multipleOf !== 0) {
        openapiCause(
          state,
          'FieldValueInvalid',
          name,
          value,
          `${name} in body should be a multiple of ${goNumber(multipleOf)}`,
        );
      }
    } else {
      const ratio = multipleOf < 1 ? (1 / multipleOf) * value : value / multipleOf;
      if (!isJsonInteger(ratio)) {
        openapiCause(
          state,
          'FieldValueInvalid',
          name,
          value,
          `${name} in body should be a multiple of ${goFloat(multipleOf)}`,
        );
      }
    }
  }
  if (maximum !== undefined) {
    const name = state.path.dotted();
    const exclusive = node.src.exclusiveMaximum === true;
    const fits = boundFitsType(maximum, node);
    if (!fits)
      plainError(
        state,
        `Maximum boundary value must be of type integer (default format) in ${name}`,
      );
    const intPath = fits && whole;
    const bound = intPath ? Math.trunc(maximum) : maximum;
    if (exclusive ? value >= bound : value > bound) {
      const text = intPath ? goNumber(bound) : goFloat(bound);
      openapiCause(
        state,
        'FieldValueInvalid',
        name,
        value,
        `${name} in body should be less than ${exclusive ? '' : 'or equal to '}${text}`,
      );
    }
  }
  if (minimum !== undefined) {
    const name = state.path.dotted();
    const exclusive = node.src.exclusiveMinimum === true;
    const fits = boundFitsType(minimum, node);
    if (!fits)
      plainError(
        state,
        `Minimum boundary value must be of type integer (default format) in ${name}`,
      );
    const intPath = fits && whole;
    const bound = intPath ? Math.trunc(minimum) : minimum;
    if (exclusive ? value <= bound : value < bound) {
      const text = intPath ? goNumber(bound) : goFloat(bound);
      openapiCause(
        state,
        'FieldValueInvalid',
        name,
        value,
        `${name} in body should be greater than ${exclusive ? '' : 'or equal to '}${text}`,
      );
    }
  }
}

/** anyOf / oneOf / allOf / not, validated in isolation as kube-openapi's schema props do. */
function checkCombinators(value: unknown, node: SchemaNode, state: ValidateState): void {
  state.matches++;
  const name = state.path.dotted();
  const run = (branch: SchemaNode): ValidateState => {
    const sub: ValidateState = {
      path: state.path,
      openapi: [],
      matches: 0,
      embedded: undefined,
      list: undefined,
      cel: undefined,
    };
    validateNode(value, branch, sub, undefined, false, undefined, undefined);
    return sub;
  };
  if (node.anyOf.length > 0) {
    let best: ValidateState | undefined;
    let succeeded = false;
    for (const branch of node.anyOf) {
      const result = run(branch);
      if (result.openapi.length === 0) {
        succeeded = true;
        best = undefined;
        break;
      }
      if (!best || result.matches > best.matches) best = result;
    }
    if (!succeeded) plainError(state, `${goQuote(name)} must validate at least one schema (anyOf)`);
    if (best) state.openapi.push(...best.openapi);
  }
  if (node.oneOf.length > 0) {
    let best: ValidateState | undefined;
    let valid = 0;
    for (const branch of node.oneOf) {
      const result = run(branch);
      if (result.openapi.length === 0) {
        valid++;
        best = undefined;
        continue;
      }
      if (valid === 0 && (!best || result.matches > best.matches)) best = result;
    }
    if (valid !== 1) {
      const detail = valid === 0 ? 'Found none valid' : `Found ${valid} valid alternatives`;
      plainError(
        state,
        `${goQuote(name)} must validate one and only one schema (oneOf). ${detail}`,
      );
      if (best) state.openapi.push(...best.openapi);
    }
  }
  if (node.allOf.length > 0) {
    let valid = 0;
    for (const branch of node.allOf) {
      const result = run(branch);
      if (result.openapi.length === 0) valid++;
      state.openapi.push(...result.openapi);
    }
    if (valid !== node.allOf.length) {
      plainError(
        state,
        `${goQuote(name)} must validate all the schemas (allOf)${valid === 0 ? '. None validated' : ''}`,
      );
    }
  }
  if (node.not && run(node.not).openapi.length === 0) {
    plainError(state, `${goQuote(name)} must not validate the schema (not)`);
  }
}

function listKeyOf(item: unknown, keys: readonly string[]): unknown[] | undefined {
  if (!isObject(item)) return undefined;
  return keys.map((key) => item[key]);
}

/** The old list item that corresponds to a new one (map lists by key, sets by value). */
function correlateItem(
  node: SchemaNode,
  item: unknown,
  old: unknown,
  forCel: boolean,
): { found: boolean; value: unknown } {
  if (!Array.isArray(old)) return { found: false, value: undefined };
  if (node.listType === 'map' && node.listMapKeys.length > 0) {
    const key = listKeyOf(item, node.listMapKeys);
    if (!key) return { found: false, value: undefined };
    for (const candidate of old) {
      const candidateKey = listKeyOf(candidate, node.listMapKeys);
      if (candidateKey && deepEqual(key, candidateKey)) return { found: true, value: candidate };
    }
    return { found: false, value: undefined };
  }
  if (node.listType === 'set' && !forCel) {
    for (const candidate of old)
      if (deepEqual(item, candidate)) return { found: true, value: candidate };
  }
  return { found: false, value: undefined };
}

function checkListType(value: unknown[], node: SchemaNode, state: ValidateState): void {
  const errors = state.list;
  if (!errors || value.length === 0) return;
  if (node.listType === 'set') {
    for (const index of nonUniqueIndexes(value)) {
      state.path.push(index);
      errors.push(makeCause('FieldValueDuplicate', state.path.field(), value[index], ''));
      state.path.pop();
    }
  } else if (node.listType === 'map') {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (item !== null && !isObject(item)) {
        state.path.push(i);
        errors.push(
          makeCause(
            'FieldValueInvalid',
            state.path.field(),
            item,
            'must be an object for an array of list-type map',
          ),
        );
        state.path.pop();
        return;
      }
    }
    const keys = value.map((item) => {
      const key: JsonObject = {};
      if (isObject(item)) {
        for (const field of node.listMapKeys)
          if (Object.hasOwn(item, field)) key[field] = item[field];
      }
      return key;
    });
    for (const index of nonUniqueIndexes(keys)) {
      state.path.push(index);
      errors.push(makeCause('FieldValueDuplicate', state.path.field(), keys[index], ''));
      state.path.pop();
    }
  }
}

/** Indexes of the second occurrence of each repeated value (listtype.validateListSet). */
function nonUniqueIndexes(values: readonly unknown[]): number[] {
  if (values.length <= 1) return [];
  const seen = new Map<string, number>();
  const out: number[] = [];
  values.forEach((value, index) => {
    const key = typeof value === 'string' ? `s${value}` : goJson(value);
    const times = seen.get(key) ?? 0;
    seen.set(key, times + 1);
    if (times === 1) out.push(index);
  });
  return out;
}

function checkEmbedded(value: JsonObject, state: ValidateState): void {
  const errors = state.embedded;
  if (!errors) return;
  const at = (child: string): string => {
    state.path.push(child);
    const path = state.path.field();
    state.path.pop();
    return path;
  };
  if (!Object.hasOwn(value, 'apiVersion'))
    errors.push(makeCause('FieldValueRequired', at('apiVersion'), '', ''));
  if (!Object.hasOwn(value, 'kind'))
    errors.push(makeCause('FieldValueRequired', at('kind'), '', ''));
  const apiVersion = value['apiVersion'];
  if (apiVersion !== undefined) {
    if (typeof apiVersion !== 'string')
      errors.push(makeCause('FieldValueInvalid', at('apiVersion'), apiVersion, 'must be a string'));
    else if (apiVersion === '')
      errors.push(
        makeCause('FieldValueInvalid', at('apiVersion'), apiVersion, 'must not be empty'),
      );
    else if (apiVersion.split('/').length > 2) {
      errors.push(
        makeCause(
          'FieldValueInvalid',
          at('apiVersion'),
          apiVersion,
          `unexpected GroupVersion string: ${apiVersion}`,
        ),
      );
    }
  }
  const kind = value['kind'];
  if (kind !== undefined) {
    if (typeof kind !== 'string')
      errors.push(makeCause('FieldValueInvalid', at('kind'), kind, 'must be a string'));
    else if (kind === '')
      errors.push(makeCause('FieldValueInvalid', at('kind'), kind, 'must not be empty'));
    else if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(kind.toLowerCase()) || kind.length > 63) {
      errors.push(
        makeCause(
          'FieldValueInvalid',
          at('kind'),
          kind,
          "may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
        ),
      );
    }
  }
}

/**
 * Validates one node. `old`/`correlated` drive ratcheting (errors of a correlated node equal
 * to its old value are dropped, as CRDValidationRatcheting does); `celOld` is the value bound
 * to `oldSelf`; `ratchet` is the nearest correlated node, for CEL ratcheting.
 */
function validateNode(
  value: unknown,
  node: SchemaNode,
  state: ValidateState,
  old: unknown,
  correlated: boolean,
  celOld: unknown,
  ratchet: CelItem['ratchet'],
): void {
  const mark = state.openapi.length;
  const kind = kindOf(value);
  if (kind === 'null') {
    if (node.types.length > 0 && !node.types.includes('null') && !node.nullable) {
      state.matches++;
      typeInvalid(state, node.typeLabel, 'null');
    }
    checkEnum(value, node, state);
  } else {
    const nodeRatchet = correlated ? { value, old } : ratchet;
    if (state.cel && node.rules.length > 0) {
      state.cel.push({ node, value, old: celOld, path: state.path.field(), ratchet: nodeRatchet });
    }
    checkType(value, kind, node, state);
    if (node.combinators) checkCombinators(value, node, state);
    if (kind === 'string') {
      checkString(value as string, node, state);
      if (node.formatCheck) {
        state.matches++;
        if (!node.formatCheck(value as string)) typeInvalid(state, node.format, value as string);
      }
    } else if (kind === 'integer' || kind === 'number') {
      checkNumber(value as number, node, state);
    } else if (kind === 'array') {
      validateArray(value as unknown[], node, state, old, correlated, celOld, nodeRatchet);
    }
    checkEnum(value, node, state);
    if (kind === 'object') {
      validateObject(value as JsonObject, node, state, old, correlated, celOld, nodeRatchet);
    }
  }
  if (correlated && state.openapi.length > mark && deepEqual(value, old)) {
    state.openapi.length = mark;
  }
}

function validateArray(
  value: unknown[],
  node: SchemaNode,
  state: ValidateState,
  old: unknown,
  correlated: boolean,
  celOld: unknown,
  ratchet: CelItem['ratchet'],
): void {
  state.matches++;
  if (node.listType === 'set' || node.listType === 'map') checkListType(value, node, state);
  const items = node.items;
  if (items) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const match = correlated ? correlateItem(node, item, old, false) : undefined;
      const celMatch =
        celOld !== undefined && state.cel ? correlateItem(node, item, celOld, true) : undefined;
      state.path.push(i);
      validateNode(
        item,
        items,
        state,
        match?.value,
        match?.found ?? false,
        celMatch?.value,
        ratchet,
      );
      state.path.pop();
    }
  }
  const { minItems, maxItems } = node.src;
  if (minItems !== undefined && value.length < minItems) {
    const name = state.path.dotted();
    openapiCause(
      state,
      'FieldValueInvalid',
      name,
      value.length,
      `${name} in body should have at least ${minItems} items`,
    );
  }
  if (maxItems !== undefined && value.length > maxItems) {
    openapiCause(
      state,
      'FieldValueTooMany',
      state.path.dotted(),
      value.length,
      `must have at most ${maxItems} ${maxItems === 1 ? 'item' : 'items'}`,
    );
  }
  if (node.src.uniqueItems && nonUniqueIndexes(value).length > 0) {
    const name = state.path.dotted();
    openapiCause(
      state,
      'FieldValueInvalid',
      name,
      '',
      `${name} in body shouldn't contain duplicates`,
    );
  }
}

function validateObject(
  value: JsonObject,
  node: SchemaNode,
  state: ValidateState,
  old: unknown,
  correlated: boolean,
  celOld: unknown,
  ratchet: CelItem['ratchet'],
): void {
  state.matches++;
  if (node.embedded) checkEmbedded(value, state);
  const keys = Object.keys(value);
  const { minProperties, maxProperties } = node.src;
  if (minProperties !== undefined && keys.length < minProperties) {
    const name = state.path.dotted();
    openapiCause(
      state,
      'FieldValueInvalid',
      name,
      keys.length,
      `${name} in body should have at least ${minProperties} properties`,
    );
  }
  if (maxProperties !== undefined && keys.length > maxProperties) {
    openapiCause(
      state,
      'FieldValueTooMany',
      state.path.dotted(),
      keys.length,
      `must have at most ${maxProperties} ${maxProperties === 1 ? 'item' : 'items'}`,
    );
  }
  const oldObject = correlated && isObject(old) ? old : undefined;
  const celOldObject = isObject(celOld) ? celOld : undefined;
  for (const key of keys) {
    const prop = node.properties?.get(key);
    let child: SchemaNode | undefined = prop;
    let pathKind = PROP;
    if (!child) {
      if (typeof node.additional === 'object') {
        child = node.additional;
        pathKind = KEY;
      } else if (node.additional === false) {
        const name = state.path.dotted();
        openapiCause(
          state,
          'FieldValueInvalid',
          name,
          key,
          `${name}.${key} in body is a forbidden property`,
        );
        continue;
      } else {
        continue;
      }
    }
    const childCorrelated = oldObject !== undefined && Object.hasOwn(oldObject, key);
    state.path.push(key, pathKind);
    validateNode(
      value[key],
      child,
      state,
      childCorrelated ? oldObject[key] : undefined,
      childCorrelated,
      celOldObject?.[key],
      ratchet,
    );
    state.path.pop();
  }
  for (const key of node.required) {
    if (!Object.hasOwn(value, key)) {
      openapiCause(state, 'FieldValueRequired', state.path.dotted(key), '', '');
    }
  }
}

/** Whether a list-type violation exists anywhere in `value` (checked on the old object). */
function hasListTypeErrors(value: unknown, node: SchemaNode): boolean {
  if (!node.treeHasListTypes || value === null || value === undefined) return false;
  if (Array.isArray(value)) {
    if (node.listType === 'set' && nonUniqueIndexes(value).length > 0) return true;
    if (node.listType === 'map') {
      const state: ValidateState = {
        path: new PathStack(),
        openapi: [],
        matches: 0,
        embedded: undefined,
        list: [],
        cel: undefined,
      };
      checkListType(value, node, state);
      if ((state.list?.length ?? 0) > 0) return true;
    }
    const items = node.items;
    return items !== undefined && value.some((item) => hasListTypeErrors(item, items));
  }
  if (isObject(value)) {
    for (const key of Object.keys(value)) {
      const child =
        node.properties?.get(key) ??
        (typeof node.additional === 'object' ? node.additional : undefined);
      if (child && hasListTypeErrors(value[key], child)) return true;
    }
  }
  return false;
}

const blockingTypes = new Set([
  'FieldValueNotSupported',
  'FieldValueRequired',
  'FieldValueTooLong',
  'FieldValueTooMany',
  'FieldValueTypeInvalid',
]);

function runCel(items: readonly CelItem[]): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const item of items) {
    for (const rule of item.node.rules) {
      if (rule.usesOldSelf && item.old === undefined && !rule.rule.optionalOldSelf) continue;
      const outcome = evaluateRule(rule, item.value, item.old, item.node);
      if (outcome.kind === 'pass') continue;
      if (outcome.kind === 'error') {
        causes.push(
          makeCause('FieldValueInvalid', item.path, item.node.schemaType, outcome.detail),
        );
        continue;
      }
      if (!rule.usesOldSelf && item.ratchet && deepEqual(item.ratchet.value, item.ratchet.old)) {
        continue;
      }
      const fieldPath = (rule.rule.fieldPath ?? '').replace(/^\./, '');
      const path =
        fieldPath === '' ? item.path : item.path === '' ? fieldPath : `${item.path}.${fieldPath}`;
      const shown = typeof item.value === 'object' && item.value !== null ? omitValue : item.value;
      switch (rule.rule.reason) {
        case 'FieldValueForbidden':
          causes.push(makeCause('FieldValueForbidden', path, '', outcome.detail));
          break;
        case 'FieldValueRequired':
          causes.push(makeCause('FieldValueRequired', path, '', outcome.detail));
          break;
        case 'FieldValueDuplicate':
          causes.push(makeCause('FieldValueDuplicate', path, shown, ''));
          break;
        default:
          causes.push(makeCause('FieldValueInvalid', path, shown, outcome.detail));
      }
    }
  }
  return causes;
}

function dedupe(causes: readonly StatusCause[]): StatusCause[] {
  const seen = new Set<string>();
  return causes.filter((cause) => {
    const key = `${cause.field}\u0000${cause.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Admits a custom resource as the Kubernetes 1.35 API server does for a structural schema:
 * prunes unknown fields (apiVersion, kind and ObjectMeta's fields survive at the root and in
 * embedded resources), drops non-nullable nulls without a default, applies defaults, then
 * validates (OpenAPI, embedded resources, list types, then CEL rules unless an earlier error
 * blocks them). Every violation is returned with Kubernetes' reason, message and field path.
 * On updates, `oldObject` feeds `oldSelf` and validation ratcheting (errors in unchanged
 * correlatable fields are dropped). The input is never mutated; the result is one new copy
 * with keys sorted as the API server serializes them. The schema is compiled once per schema
 * object (WeakMap), so repeated calls cost one walk to copy and one to validate.
 */
export function admitWithSchema(
  schema: JsonSchemaProps,
  object: unknown,
  options: AdmitOptions,
): AdmitResult {
  const root = compile(schema);
  const path = new PathStack();
  const pruneState: PruneState = { path, unknown: [], metaUnknown: [], metaCauses: [] };
  const admitted = isObject(object)
    ? admitObject(object, root, pruneState, root.preserveUnknown, true)
    : clone(object);
  const unknownFields = [...pruneState.metaUnknown, ...pruneState.unknown.sort()];

  const old = options.oldObject;
  const hasOld = old !== undefined && old !== null;
  const state: ValidateState = {
    path,
    openapi: [],
    matches: 0,
    embedded: root.treeHasEmbedded ? [] : undefined,
    list: root.treeHasListTypes && !(hasOld && hasListTypeErrors(old, root)) ? [] : undefined,
    cel: root.treeHasRules ? [] : undefined,
  };
  validateNode(
    admitted,
    root,
    state,
    hasOld ? old : undefined,
    hasOld,
    hasOld ? old : undefined,
    undefined,
  );
  const causes = [
    ...pruneState.metaCauses,
    ...dedupe(state.openapi),
    ...(state.embedded ?? []),
    ...(state.list ?? []),
  ];
  if (state.cel) {
    if (causes.some((cause) => blockingTypes.has(cause.reason))) {
      causes.push(
        makeCause(
          'FieldValueInvalid',
          '<nil>',
          null,
          'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
        ),
      );
    } else {
      causes.push(...runCel(state.cel));
    }
  }
  return { object: admitted, causes, unknownFields };
}

interface CrdVersionLike {
  readonly name?: unknown;
  readonly served?: unknown;
  readonly schema?: { readonly openAPIV3Schema?: JsonSchemaProps };
}

const preserveEverything: JsonSchemaProps = {
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
};

/**
 * Validates an object against a CustomResourceDefinition (apiextensions.k8s.io/v1, as a plain
 * object): checks kind and group as the API server's type-meta validation does, picks the
 * version named by the object's apiVersion (a cause on `apiVersion` when that version is not
 * served), then runs {@link admitWithSchema} with that version's schema.
 */
export function validateAgainstCrd(
  crd: object,
  object: unknown,
  options: AdmitOptions,
): AdmitResult {
  const spec = (crd as { spec?: unknown }).spec;
  const specRecord = isObject(spec) ? spec : {};
  const group = typeof specRecord['group'] === 'string' ? specRecord['group'] : '';
  const names = isObject(specRecord['names']) ? specRecord['names'] : {};
  const expectedKind = typeof names['kind'] === 'string' ? names['kind'] : '';
  const versions = (
    Array.isArray(specRecord['versions']) ? specRecord['versions'] : []
  ) as CrdVersionLike[];
  const record = isObject(object) ? object : {};
  const apiVersion = typeof record['apiVersion'] === 'string' ? record['apiVersion'] : '';
  const kind = record['kind'];
  const slash = apiVersion.indexOf('/');
  const objectGroup = slash >= 0 ? apiVersion.slice(0, slash) : '';
  const objectVersion = slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion;
  const causes: StatusCause[] = [];
  if (kind !== expectedKind) {
    causes.push(makeCause('FieldValueInvalid', 'kind', kind ?? null, `must be ${expectedKind}`));
  }
  const served = versions.filter((version) => version.served === true);
  const version = served.find((candidate) => candidate.name === objectVersion);
  if (objectGroup !== group || !version) {
    causes.push(
      makeCause(
        'FieldValueNotSupported',
        'apiVersion',
        record['apiVersion'] ?? null,
        `supported values: ${served.map((v) => goQuote(`${group}/${String(v.name)}`)).join(', ')}`,
      ),
    );
  }
  if (causes.length > 0 || !version) return { object: clone(object), causes, unknownFields: [] };
  return admitWithSchema(version.schema?.openAPIV3Schema ?? preserveEverything, object, options);
}
