/**
 * Encodes an OpenAPI v2 (swagger 2.0) JSON document as the `openapi.v2.Document` protobuf message
 * of gnostic (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`), the only form
 * client-go's `OpenAPISchema()` accepts — kubectl's client-side validation reads `/openapi/v2`
 * that way. Field numbers are those of gnostic-models' `openapiv2/OpenAPIv2.proto`. Only the parts
 * the sandbox's documents use are encoded: info, paths with their operations' responses and
 * vendor extensions, and definitions. Values kept as YAML (`default`, `enum`, extensions) are
 * written as JSON, which is YAML.
 */
export function encodeOpenApiV2Protobuf(document: Record<string, unknown>): Uint8Array {
  const out = new ProtoWriter();
  out.string(1, str(document['swagger']));
  const info = obj(document['info']);
  out.message(2, (w) => {
    w.string(1, str(info['title']));
    w.string(2, str(info['version']));
  });
  out.message(8, (w) => {
    for (const [path, item] of Object.entries(obj(document['paths']))) {
      w.message(2, (named) => {
        named.string(1, path);
        named.message(2, (pathItem) => writePathItem(pathItem, obj(item)));
      });
    }
  });
  out.message(9, (w) => {
    for (const [name, schema] of Object.entries(obj(document['definitions']))) {
      w.message(1, (named) => {
        named.string(1, name);
        named.cachedMessage(2, obj(schema), writeSchema);
      });
    }
  });
  return out.finish();
}

const operationFields = { get: 2, put: 3, post: 4, delete: 5, patch: 8 } as const;

function writePathItem(w: ProtoWriter, item: Record<string, unknown>): void {
  for (const [method, field] of Object.entries(operationFields)) {
    const operation = item[method];
    if (operation) w.message(field, (op) => writeOperation(op, obj(operation)));
  }
}

function writeOperation(w: ProtoWriter, operation: Record<string, unknown>): void {
  for (const tag of strs(operation['tags'])) w.string(1, tag);
  w.string(3, str(operation['description']));
  w.string(5, str(operation['operationId']));
  for (const type of strs(operation['produces'])) w.string(6, type);
  for (const type of strs(operation['consumes'])) w.string(7, type);
  const responses = obj(operation['responses']);
  w.message(9, (r) => {
    for (const [code, response] of Object.entries(responses)) {
      const body = obj(response);
      r.message(1, (named) => {
        named.string(1, code);
        named.message(2, (value) =>
          value.message(1, (resp) => {
            resp.string(1, str(body['description']));
            if (body['schema'])
              resp.message(2, (item) =>
                item.message(1, (schema) => writeSchema(schema, obj(body['schema']))),
              );
          }),
        );
      });
    }
  });
  writeExtensions(w, 13, operation);
}

function writeSchema(w: ProtoWriter, schema: Record<string, unknown>): void {
  w.string(1, str(schema['$ref']));
  w.string(2, str(schema['format']));
  w.string(3, str(schema['title']));
  w.string(4, str(schema['description']));
  if (schema['default'] !== undefined) w.any(5, schema['default']);
  w.double(6, schema['multipleOf']);
  w.double(7, schema['maximum']);
  w.bool(8, schema['exclusiveMaximum']);
  w.double(9, schema['minimum']);
  w.bool(10, schema['exclusiveMinimum']);
  w.int(11, schema['maxLength']);
  w.int(12, schema['minLength']);
  w.string(13, str(schema['pattern']));
  w.int(14, schema['maxItems']);
  w.int(15, schema['minItems']);
  w.bool(16, schema['uniqueItems']);
  w.int(17, schema['maxProperties']);
  w.int(18, schema['minProperties']);
  for (const name of strs(schema['required'])) w.string(19, name);
  for (const value of Array.isArray(schema['enum']) ? schema['enum'] : []) w.any(20, value);
  const additional = schema['additionalProperties'];
  if (typeof additional === 'boolean') w.message(21, (a) => a.bool(2, additional, true));
  else if (additional) w.message(21, (a) => a.message(1, (s) => writeSchema(s, obj(additional))));
  if (typeof schema['type'] === 'string') w.message(22, (t) => t.string(1, str(schema['type'])));
  if (schema['items'])
    w.message(23, (i) => i.message(1, (s) => writeSchema(s, obj(schema['items']))));
  for (const part of Array.isArray(schema['allOf']) ? schema['allOf'] : [])
    w.message(24, (s) => writeSchema(s, obj(part)));
  if (schema['properties']) {
    w.message(25, (p) => {
      for (const [name, property] of Object.entries(obj(schema['properties']))) {
        p.message(1, (named) => {
          named.string(1, name);
          named.message(2, (s) => writeSchema(s, obj(property)));
        });
      }
    });
  }
  w.bool(27, schema['readOnly']);
  writeExtensions(w, 31, schema);
}

/** `x-…` keys as `NamedAny` entries (name, Any{yaml}). */
function writeExtensions(w: ProtoWriter, field: number, node: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(node)) {
    if (!key.startsWith('x-')) continue;
    w.message(field, (named) => {
      named.string(1, key);
      named.any(2, value);
    });
  }
}

function obj(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function strs(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item) => typeof item === 'string') : [];
}

const textEncoder = new TextEncoder();
const encodedStrings = new Map<string, Uint8Array>();
const encodedMessages = new WeakMap<object, Uint8Array>();
/** One-byte varints (0–127: tags and short lengths), shared. */
const smallVarints = Array.from({ length: 0x80 }, (_, value) => Uint8Array.of(value));

/** A minimal protobuf (proto3) writer: default values are omitted, as proto3 does. */
class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  string(field: number, value: string): void {
    if (value === '') return;
    let encoded = encodedStrings.get(value);
    if (!encoded) {
      encoded = textEncoder.encode(value);
      // Names, types and refs repeat thousands of times in one document.
      if (value.length < 200) encodedStrings.set(value, encoded);
    }
    this.bytes(field, encoded);
  }

  bool(field: number, value: unknown, keepFalse = false): void {
    if (typeof value !== 'boolean' || (!value && !keepFalse)) return;
    this.tag(field, 0);
    this.varint(value ? 1 : 0);
  }

  int(field: number, value: unknown): void {
    if (typeof value !== 'number' || value === 0) return;
    this.tag(field, 0);
    this.varint(value);
  }

  double(field: number, value: unknown): void {
    if (typeof value !== 'number' || value === 0) return;
    this.tag(field, 1);
    const buffer = new Uint8Array(8);
    new DataView(buffer.buffer).setFloat64(0, value, true);
    this.push(buffer);
  }

  /** An `Any` message holding the value as YAML (JSON is YAML) in field 2. */
  any(field: number, value: unknown): void {
    this.message(field, (w) => w.string(2, JSON.stringify(value)));
  }

  message(field: number, write: (writer: ProtoWriter) => void): void {
    const inner = new ProtoWriter();
    write(inner);
    this.tag(field, 2);
    this.varint(inner.length);
    // The child's chunks are adopted, not copied: bytes are copied once, in finish().
    for (const chunk of inner.chunks) this.chunks.push(chunk);
    this.length += inner.length;
  }

  /**
   * A message whose bytes depend only on `source`, encoded once per source object: the
   * built-in definitions are shared by every document generation.
   */
  cachedMessage(
    field: number,
    source: Record<string, unknown>,
    write: (writer: ProtoWriter, source: Record<string, unknown>) => void,
  ): void {
    let bytes = encodedMessages.get(source);
    if (!bytes) {
      const inner = new ProtoWriter();
      write(inner, source);
      bytes = inner.finish();
      encodedMessages.set(source, bytes);
    }
    this.bytes(field, bytes);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  private bytes(field: number, value: Uint8Array): void {
    this.tag(field, 2);
    this.varint(value.length);
    this.push(value);
  }

  private tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  private varint(value: number): void {
    let rest = Math.max(0, Math.trunc(value));
    if (rest < 0x80) {
      this.push(smallVarints[rest] as Uint8Array);
      return;
    }
    const bytes: number[] = [];
    while (rest >= 0x80) {
      bytes.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    bytes.push(rest);
    this.push(Uint8Array.from(bytes));
  }

  private push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }
}
