/**
 * Reads the few request bodies kubectl sends only as protobuf (`application/vnd.kubernetes.protobuf`,
 * no JSON fallback): SelfSubjectAccessReview and SelfSubjectRulesReview (`kubectl auth can-i`),
 * SelfSubjectReview (`kubectl auth whoami`), TokenRequest (`kubectl create token`) and
 * SubjectAccessReview. Anything else returns undefined, and the caller answers 415 as before.
 *
 * The format: the 4 magic bytes `k8s\0`, then a `runtime.Unknown` message (1: typeMeta
 * {1: apiVersion, 2: kind}, 2: raw) whose `raw` is the object's message, with the field numbers
 * of `k8s.io/api`'s generated.proto. Only the fields the sandbox reads are decoded; empty strings
 * count as unset, as Go's zero values do.
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#protobuf-encoding
 */
export function decodeProtobufObject(body: Uint8Array): Record<string, unknown> | undefined {
  const magic = [0x6b, 0x38, 0x73, 0x00];
  if (body.length < 4 || magic.some((byte, index) => body[index] !== byte)) return undefined;
  try {
    const unknown = readMessage(body.subarray(4));
    const typeMeta = readMessage(bytesOf(unknown, 1));
    const apiVersion = stringOf(typeMeta, 1);
    const kind = stringOf(typeMeta, 2);
    const object = readMessage(bytesOf(unknown, 2));
    const spec = object.has(2) ? readMessage(bytesOf(object, 2)) : undefined;
    const group = apiVersion.split('/')[0];
    if (group === 'authorization.k8s.io') {
      if (kind === 'SelfSubjectRulesReview') {
        return { apiVersion, kind, spec: strings(spec, { namespace: 1 }) };
      }
      if (kind !== 'SelfSubjectAccessReview' && kind !== 'SubjectAccessReview') return undefined;
      const reviewSpec: Record<string, unknown> = {};
      if (spec?.has(1)) {
        reviewSpec['resourceAttributes'] = strings(readMessage(bytesOf(spec, 1)), {
          namespace: 1,
          verb: 2,
          group: 3,
          version: 4,
          resource: 5,
          subresource: 6,
          name: 7,
        });
      }
      if (spec?.has(2)) {
        reviewSpec['nonResourceAttributes'] = strings(readMessage(bytesOf(spec, 2)), {
          path: 1,
          verb: 2,
        });
      }
      if (kind === 'SubjectAccessReview' && spec) {
        Object.assign(reviewSpec, strings(spec, { user: 3, uid: 6 }));
        const groups = (spec.get(4) ?? []).map((value) => text(value));
        if (groups.length > 0) reviewSpec['groups'] = groups;
      }
      return { apiVersion, kind, spec: reviewSpec };
    }
    if (group === 'authentication.k8s.io') {
      if (kind === 'SelfSubjectReview') return { apiVersion, kind };
      if (kind !== 'TokenRequest') return undefined;
      const tokenSpec: Record<string, unknown> = {};
      const audiences = (spec?.get(1) ?? []).map((value) => text(value));
      if (audiences.length > 0) tokenSpec['audiences'] = audiences;
      if (spec?.has(3)) {
        tokenSpec['boundObjectRef'] = strings(readMessage(bytesOf(spec, 3)), {
          kind: 1,
          apiVersion: 2,
          name: 3,
          uid: 4,
        });
      }
      const expiration = spec?.get(4)?.[0];
      if (typeof expiration === 'bigint') tokenSpec['expirationSeconds'] = Number(expiration);
      return { apiVersion, kind, spec: tokenSpec };
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/** Field number → values in order: varints as bigint, length-delimited fields as bytes. */
type Message = Map<number, (bigint | Uint8Array)[]>;

function readMessage(bytes: Uint8Array): Message {
  const fields: Message = new Map();
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (offset >= bytes.length) throw new Error('truncated varint');
      const byte = bytes[offset++] as number;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (offset < bytes.length) {
    const key = varint();
    const field = Number(key >> 3n);
    const wireType = Number(key & 7n);
    let value: bigint | Uint8Array;
    if (wireType === 0) value = varint();
    else if (wireType === 2) {
      const length = Number(varint());
      if (offset + length > bytes.length) throw new Error('truncated field');
      value = bytes.subarray(offset, offset + length);
      offset += length;
    } else if (wireType === 1 || wireType === 5) {
      // Fixed-width numbers: none of the fields read here use them; skip 8 or 4 bytes.
      offset += wireType === 1 ? 8 : 4;
      continue;
    } else throw new Error(`unsupported wire type ${wireType}`);
    const values = fields.get(field) ?? [];
    values.push(value);
    fields.set(field, values);
  }
  return fields;
}

function bytesOf(message: Message, field: number): Uint8Array {
  const value = message.get(field)?.[0];
  if (!(value instanceof Uint8Array)) throw new Error(`field ${field} is not a message`);
  return value;
}

function text(value: bigint | Uint8Array): string {
  return value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : '';
}

function stringOf(message: Message, field: number): string {
  const value = message.get(field)?.[0];
  return value === undefined ? '' : text(value);
}

/** The named string fields of a message that are set and not empty. */
function strings(
  message: Message | undefined,
  fields: Record<string, number>,
): Record<string, string> {
  const result: Record<string, string> = {};
  if (!message) return result;
  for (const [name, field] of Object.entries(fields)) {
    const value = stringOf(message, field);
    if (value) result[name] = value;
  }
  return result;
}
