/**
 * Kubernetes protobuf bodies (`application/vnd.kubernetes.protobuf`) for the built-in kinds,
 * converted to and from the JSON objects the store holds. A body is the 4 magic bytes `k8s\0`
 * and a `runtime.Unknown` (typeMeta {apiVersion, kind}, raw = the object's message,
 * contentEncoding, contentType). Message schemas come from `kubernetesProtoDescriptor.ts`,
 * derived from the Kubernetes 1.35 protos by `scripts/generateKubernetesApiDefinitions.ts`.
 * Custom resources have no protobuf form, as in Kubernetes.
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#protobuf-encoding
 */
import protobuf from 'protobufjs';

import { kubernetesJsonShapes, kubernetesProtoDescriptor } from './kubernetesProtoDescriptor.ts';

const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const meta = 'k8s.io.apimachinery.pkg.apis.meta.v1';

let root: protobuf.Root | undefined;

/** The schema root, built on first use (≈ 20 ms) so servers that never see protobuf skip it. */
function schema(): protobuf.Root {
  root ??= protobuf.Root.fromJSON(kubernetesProtoDescriptor as protobuf.INamespace);
  return root;
}

type Json = Record<string, unknown>;

/** The message of a kind (`apps/v1` `Deployment` → `k8s.io.api.apps.v1.Deployment`), if any. */
function messageOf(apiVersion: string, kind: string): protobuf.Type | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const pkg = group === '' ? 'core' : (group as string).split('.')[0];
  for (const name of [`k8s.io.api.${pkg}.${version}.${kind}`, `${meta}.${kind}`]) {
    const found = schema().lookup(name);
    if (found instanceof protobuf.Type) return found;
  }
  return undefined;
}

/** Whether a kind has a protobuf form (built-in kinds and their lists; not custom resources). */
export function hasProtobufForm(apiVersion: string, kind: string): boolean {
  return messageOf(apiVersion, kind) !== undefined;
}

/**
 * The JSON object of a protobuf request body, or undefined when it is not a Kubernetes protobuf
 * body of a known kind (the caller answers 415).
 */
export function decodeKubernetesProtobuf(body: Uint8Array): Json | undefined {
  if (body.length < 4 || !magic.equals(Buffer.from(body.subarray(0, 4)))) return undefined;
  try {
    const unknownType = schema().lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
    const unknown = unknownType.toObject(unknownType.decode(body.subarray(4)), {
      bytes: Array,
    }) as { typeMeta?: { apiVersion?: string; kind?: string }; raw?: number[] };
    const apiVersion = unknown.typeMeta?.apiVersion ?? '';
    const kind = unknown.typeMeta?.kind ?? '';
    const type = messageOf(apiVersion, kind);
    if (!type) return undefined;
    const message = type.toObject(type.decode(Uint8Array.from(unknown.raw ?? [])), {
      longs: Number,
      bytes: String,
    });
    return { apiVersion, kind, ...(toJson(type, message) as Json) };
  } catch {
    return undefined;
  }
}

/** A JSON object of a built-in kind (or list) as a protobuf body, magic and envelope included. */
export function encodeKubernetesProtobuf(object: Json): Buffer {
  const apiVersion = String(object['apiVersion'] ?? '');
  const kind = String(object['kind'] ?? '');
  const type = messageOf(apiVersion, kind);
  if (!type) throw new Error(`${apiVersion} ${kind} has no protobuf form`);
  const raw = type.encode(type.fromObject(fromJson(type, object) as Json)).finish();
  const unknownType = schema().lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
  const envelope = unknownType
    .encode(unknownType.fromObject({ typeMeta: { apiVersion, kind }, raw }))
    .finish();
  return Buffer.concat([magic, envelope]);
}

/**
 * One frame of a protobuf watch stream (`;stream=watch`): a 4-byte big-endian length, then a
 * `meta.v1.WatchEvent` whose object is the enveloped object.
 */
export function encodeKubernetesProtobufWatchEvent(type: string, object: Json): Buffer {
  const eventType = schema().lookupType(`${meta}.WatchEvent`);
  const event = eventType
    .encode(eventType.fromObject({ type, object: { raw: encodeKubernetesProtobuf(object) } }))
    .finish();
  const length = Buffer.alloc(4);
  length.writeUInt32BE(event.length);
  return Buffer.concat([length, event]);
}

const special: Record<string, { toJson(value: Json): unknown; fromJson(value: unknown): Json }> = {
  'k8s.io.apimachinery.pkg.api.resource.Quantity': {
    toJson: (value) => value['string'] ?? '0',
    fromJson: (value) => ({ string: String(value) }),
  },
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': {
    // type 0 = int (intVal), 1 = string (strVal).
    toJson: (value) => (value['type'] === 1 ? (value['strVal'] ?? '') : (value['intVal'] ?? 0)),
    fromJson: (value) =>
      typeof value === 'number' ? { type: 0, intVal: value } : { type: 1, strVal: String(value) },
  },
  [`${meta}.Time`]: { toJson: (value) => timeToJson(value, 0), fromJson: timeFromJson },
  [`${meta}.MicroTime`]: { toJson: (value) => timeToJson(value, 6), fromJson: timeFromJson },
  [`${meta}.Duration`]: {
    toJson: (value) => durationToJson(Number(value['duration'] ?? 0)),
    fromJson: (value) => ({ duration: durationFromJson(String(value)) }),
  },
  [`${meta}.FieldsV1`]: {
    toJson: (value) => jsonOfBytes(value['Raw']),
    fromJson: (value) => ({ Raw: Buffer.from(JSON.stringify(value)).toString('base64') }),
  },
  'k8s.io.apimachinery.pkg.runtime.RawExtension': {
    toJson: (value) => {
      const bytes = Buffer.from(String(value['raw'] ?? ''), 'base64');
      if (bytes.subarray(0, 4).equals(magic)) return decodeKubernetesProtobuf(bytes);
      return jsonOfBytes(value['raw']);
    },
    fromJson: (value) => ({ raw: Buffer.from(JSON.stringify(value)).toString('base64') }),
  },
};

function jsonOfBytes(base64: unknown): unknown {
  const text = Buffer.from(String(base64 ?? ''), 'base64').toString('utf8');
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/** RFC 3339 in UTC; `digits` fraction digits (0 for Time, 6 for MicroTime). Unset → undefined. */
function timeToJson(value: Json, digits: number): string | undefined {
  const seconds = Number(value['seconds'] ?? 0);
  const nanos = Number(value['nanos'] ?? 0);
  if (seconds === 0 && nanos === 0) return undefined;
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (digits === 0) return `${base}Z`;
  return `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
}

function timeFromJson(value: unknown): Json {
  const text = String(value);
  const millis = Date.parse(text);
  if (Number.isNaN(millis)) return {};
  const fraction = /\.(\d+)/.exec(text)?.[1] ?? '';
  return {
    seconds: Math.floor(millis / 1000),
    nanos: Number(fraction.padEnd(9, '0').slice(0, 9)),
  };
}

const durationUnits: [string, number][] = [
  ['h', 3600e9],
  ['m', 60e9],
  ['s', 1e9],
  ['ms', 1e6],
  ['us', 1e3],
  ['µs', 1e3],
  ['ns', 1],
];

/** Go's `time.Duration.String()` for whole seconds and above (`1h2m3s`); nanoseconds otherwise. */
function durationToJson(nanos: number): string {
  if (nanos === 0) return '0s';
  if (nanos % 1e9 !== 0) return `${nanos}ns`;
  let seconds = nanos / 1e9;
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  return `${hours > 0 ? `${hours}h` : ''}${hours > 0 || minutes > 0 ? `${minutes}m` : ''}${seconds}s`;
}

/** Go duration syntax (`1h30m`, `90s`, `250ms`) → nanoseconds. */
function durationFromJson(text: string): number {
  let total = 0;
  for (const match of text.matchAll(/([\d.]+)(h|ms|m|s|us|µs|ns)/g)) {
    const unit = durationUnits.find(([name]) => name === match[2]);
    total += Number(match[1]) * (unit?.[1] ?? 0);
  }
  return Math.round(total);
}

/**
 * Go integer fields that are not pointers but `omitempty` (Kubernetes 1.35 types): Go writes
 * them to protobuf even when 0, and drops 0 from JSON. The protos do not say which fields are
 * pointers, so the ones kubectl's generators send are listed here, as `Message.field`.
 */
const zeroIsUnset = new Set([
  'ObjectMeta.generation',
  'DeploymentSpec.minReadySeconds',
  'ReplicaSetSpec.minReadySeconds',
  'StatefulSetSpec.minReadySeconds',
  'ServicePort.nodePort',
  'ServiceSpec.healthCheckNodePort',
  'ContainerPort.hostPort',
  'Probe.initialDelaySeconds',
  'Probe.timeoutSeconds',
  'Probe.periodSeconds',
  'Probe.successThreshold',
  'Probe.failureThreshold',
]);

/**
 * A decoded message (protobufjs `toObject` with numbers and base64 bytes) → JSON. Go's zero
 * values on the wire stand for unset: empty strings, `false`, empty lists and maps are dropped;
 * numbers are kept (a pointer `replicas: 0` is meaningful) except those in `zeroIsUnset`.
 */
function toJson(type: protobuf.Type, value: Json): unknown {
  const converter = special[type.fullName.slice(1)];
  if (converter) return converter.toJson(value);
  const shape = kubernetesJsonShapes[type.fullName.slice(1)];
  if (shape?.wrapped) return value['items'] ?? [];
  const out: Json = {};
  for (const field of type.fieldsArray) {
    const item = value[field.name];
    if (item === undefined || item === null) continue;
    const convert = (element: unknown): unknown =>
      field.resolvedType instanceof protobuf.Type
        ? toJson(field.resolvedType, element as Json)
        : element;
    if (shape?.inline?.includes(field.name)) {
      Object.assign(out, convert(item));
      continue;
    }
    let converted: unknown;
    if (field.repeated) {
      const list = (item as unknown[]).map(convert);
      converted = list.length > 0 ? list : undefined;
    } else if (field.map) {
      const entries = Object.entries(item as Json).map(([key, entry]) => [key, convert(entry)]);
      converted = entries.length > 0 ? Object.fromEntries(entries) : undefined;
    } else converted = convert(item);
    if (converted === undefined || converted === '' || converted === false) continue;
    if (converted === 0 && zeroIsUnset.has(`${type.name}.${field.name}`)) continue;
    out[shape?.jsonNames?.[field.name] ?? field.name] = converted;
  }
  return out;
}

/** JSON → the plain object protobufjs' `fromObject` takes (bytes as base64, int64 as numbers). */
function fromJson(type: protobuf.Type, value: unknown): unknown {
  const converter = special[type.fullName.slice(1)];
  if (converter) return converter.fromJson(value);
  const shape = kubernetesJsonShapes[type.fullName.slice(1)];
  if (shape?.wrapped) return { items: value };
  if (typeof value !== 'object' || value === null) return {};
  const json = value as Json;
  const out: Json = {};
  for (const field of type.fieldsArray) {
    const convert = (element: unknown): unknown =>
      field.resolvedType instanceof protobuf.Type ? fromJson(field.resolvedType, element) : element;
    if (shape?.inline?.includes(field.name)) {
      out[field.name] = convert(json);
      continue;
    }
    const item = json[shape?.jsonNames?.[field.name] ?? field.name];
    if (item === undefined || item === null) continue;
    if (field.repeated) out[field.name] = (item as unknown[]).map(convert);
    else if (field.map) {
      out[field.name] = Object.fromEntries(
        Object.entries(item as Json)
          .filter(([, entry]) => entry !== null)
          .map(([key, entry]) => [key, convert(entry)]),
      );
    } else out[field.name] = convert(item);
  }
  return out;
}
