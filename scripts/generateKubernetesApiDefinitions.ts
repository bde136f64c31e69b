/**
 * Derives `src/sandbox/apiserver/kubernetesApiDefinitions.ts` — the field names, types, required
 * fields, list types and patch strategies of every Kubernetes 1.35 message reachable from a kind
 * the sandbox serves — from the `generated.proto` files of kubernetes/api and
 * kubernetes/apimachinery v0.35.7 (Apache-2.0) in `../shared/upstream/kubernetes-proto`. Only
 * facts are carried over: no comment text. The sandbox builds its OpenAPI documents from the
 * derived file at run time, when `../shared` is not there. Run
 * `npx tsx scripts/generateKubernetesApiDefinitions.ts` after changing the served kinds;
 * `generateKubernetesApiDefinitions.test.ts` checks the file is current.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { format, resolveConfig } from 'prettier';

import { builtinResourceTypes } from '../src/sandbox/apiserver/builtinResourceTypes.ts';

/** Where the upstream proto files lie, beside the project (never copied into it). */
export const kubernetesProtoDir = fileURLToPath(
  new URL('../../shared/upstream/kubernetes-proto', import.meta.url),
);

/** The derived file the sandbox imports. */
export const definitionsFile = fileURLToPath(
  new URL('../src/sandbox/apiserver/kubernetesApiDefinitions.ts', import.meta.url),
);

interface ProtoField {
  name: string;
  /** Fully qualified message name or a scalar (`string`, `int32`, …). */
  type: string;
  repeated: boolean;
  map: boolean;
  markers: string[];
  /** The protobuf field number. */
  id: number;
}

interface ProtoMessage {
  name: string;
  fields: ProtoField[];
  markers: string[];
}

/**
 * Messages whose JSON form is not an object (custom marshalling in Go): their OpenAPI type, as
 * the Kubernetes OpenAPI documents publish them.
 */
const scalarMessages: Record<string, { type: string; format?: string }> = {
  'k8s.io.apimachinery.pkg.api.resource.Quantity': { type: 'string', format: 'quantity' },
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': { type: 'string', format: 'int-or-string' },
  'k8s.io.apimachinery.pkg.apis.meta.v1.Time': { type: 'string', format: 'date-time' },
  'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime': { type: 'string', format: 'date-time' },
  'k8s.io.apimachinery.pkg.apis.meta.v1.Duration': { type: 'string' },
  'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1': { type: 'object' },
  'k8s.io.apimachinery.pkg.runtime.RawExtension': { type: 'object' },
};

/**
 * Fields Go embeds with `json:",inline"`: their message's fields appear in the parent's JSON.
 * The proto files name them like ordinary fields, so they are listed here (Kubernetes 1.35).
 */
function isInline(message: string, field: ProtoField): boolean {
  const short = message.slice(message.lastIndexOf('.') + 1);
  return (
    (field.name === 'localObjectReference' && field.type.endsWith('.LocalObjectReference')) ||
    (short === 'Volume' && field.name === 'volumeSource') ||
    (short === 'EphemeralContainer' && field.name === 'ephemeralContainerCommon') ||
    (short === 'Probe' && field.name === 'handler') ||
    (short === 'PersistentVolumeSpec' && field.name === 'persistentVolumeSource') ||
    (short === 'IngressRule' && field.name === 'ingressRuleValue')
  );
}

/**
 * Fields Go declares without `+optional` but with `omitempty` (or as pointers), which Kubernetes'
 * OpenAPI therefore does not require. The proto files do not carry the JSON tags, so they are
 * listed here, as `Message.field`.
 */
const omittableWithoutMarker = new Set<string>([
  'AzureDiskVolumeSource.kind',
  'DeploymentSpec.progressDeadlineSeconds',
  'EphemeralContainerCommon.image',
  'Event.action',
  'Event.reason',
  'Event.reportingController',
  'Event.reportingInstance',
  'Event.type',
  'EventSeries.count',
  'ListMeta.continue',
  'ManagedFieldsEntry.apiVersion',
  'ManagedFieldsEntry.fieldsType',
  'ManagedFieldsEntry.manager',
  'ManagedFieldsEntry.operation',
  'ManagedFieldsEntry.subresource',
  'PhotonPersistentDiskVolumeSource.fsType',
  'PodDNSConfigOption.name',
  'PodResourceClaim.resourceClaimName',
  'PodResourceClaim.resourceClaimTemplateName',
  'PortworxVolumeSource.fsType',
  'ScaleIOVolumeSource.volumeName',
  'SelfSubjectRulesReviewSpec.namespace',
  'StatefulSetPersistentVolumeClaimRetentionPolicy.whenDeleted',
  'StatefulSetPersistentVolumeClaimRetentionPolicy.whenScaled',
  'StatefulSetSpec.revisionHistoryLimit',
  'StorageOSVolumeSource.volumeName',
]);

/** Proto field names that differ from the JSON names (`Message.protoName` → JSON name). */
const jsonNames: Record<string, string> = { 'BoundObjectReference.uID': 'uid' };

/**
 * Whether the OpenAPI definition requires a field: a scalar field (or IntOrString) without an
 * `+optional` marker, outside status types. Lists, maps and nested messages are never required
 * here, so client-side validation may be laxer than a real server's but never stricter.
 */
function isRequired(message: string, field: ProtoField): boolean {
  if (field.markers.some((marker) => /^(k8s:)?required$/.test(marker))) return true;
  if (field.markers.some((marker) => /^(k8s:)?optional$/.test(marker))) return false;
  if (field.repeated || field.map) return false;
  if (!scalarTypes[field.type] && !field.type.endsWith('.IntOrString')) return false;
  const short = message.slice(message.lastIndexOf('.') + 1);
  if (/(Status|Condition)$/.test(short)) return false;
  return !omittableWithoutMarker.has(`${short}.${field.name}`);
}

const scalarTypes: Record<string, string> = {
  string: 'string',
  bool: 'boolean',
  int32: 'integer/int32',
  int64: 'integer/int64',
  double: 'number/double',
  float: 'number/float',
  bytes: 'string/byte',
};

/** Reads every message of one generated.proto, with the `+marker` lines of its comments. */
function parseProto(text: string, messages: Map<string, ProtoMessage>): void {
  const pkg = /^package ([\w.]+);/m.exec(text)?.[1] ?? '';
  let comment: string[] = [];
  let current: ProtoMessage | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('//')) {
      const marker = /^\/\/\s*\+([\w.:-]+(?:=.*)?)$/.exec(line)?.[1];
      if (marker) comment.push(marker);
      continue;
    }
    const start = /^message (\w+) \{/.exec(line);
    if (start) {
      current = { name: `${pkg}.${start[1]}`, fields: [], markers: comment };
      messages.set(current.name, current);
    } else if (line === '}') {
      current = undefined;
    } else if (current) {
      const field = /^(optional|repeated) ([\w.]+) (\w+) = (\d+);/.exec(line);
      const map = /^map<string, ([\w.]+)> (\w+) = (\d+);/.exec(line);
      if (field) {
        current.fields.push({
          name: field[3] as string,
          type: qualify(field[2] as string, pkg),
          repeated: field[1] === 'repeated',
          map: false,
          markers: comment,
          id: Number(field[4]),
        });
      } else if (map) {
        current.fields.push({
          name: map[2] as string,
          type: qualify(map[1] as string, pkg),
          repeated: false,
          map: true,
          markers: comment,
          id: Number(map[3]),
        });
      }
    }
    if (line !== '') comment = [];
  }
}

function qualify(type: string, pkg: string): string {
  if (type.startsWith('.')) return type.slice(1);
  if (scalarTypes[type] || type.includes('.')) return type;
  return `${pkg}.${type}`;
}

/** `k8s.io.api.core.v1.Pod` → `io.k8s.api.core.v1.Pod`, the OpenAPI definition name. */
function definitionName(message: string): string {
  return message.replace(/^k8s\.io\./, 'io.k8s.');
}

/** The proto package of a served group's version: `''` → core, `apps` → apps, … */
function protoPackage(group: string, version: string): string {
  return `k8s.io.api.${group === '' ? 'core' : (group.split('.')[0] as string)}.${version}`;
}

/** One derived definition: an object's properties (type strings) or a scalar type. */
export interface DerivedDefinition {
  type: string;
  format?: string;
  properties?: Record<string, string>;
  required?: string[];
  /** `atomic`, `set`, or `map:key1,key2` for list fields that declare a list type. */
  listTypes?: Record<string, string>;
  /** Strategic merge patch: `merge:name`, `merge,retainKeys:name`, `retainKeys` per field. */
  patchStrategies?: Record<string, string>;
}

/** The messages of every proto file a served kind lives in, and the served kinds' messages. */
function readServedMessages(protoDir: string): {
  messages: Map<string, ProtoMessage>;
  roots: string[];
} {
  const messages = new Map<string, ProtoMessage>();
  const files = [
    'k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto',
    'k8s.io/apimachinery/pkg/api/resource/generated.proto',
    'k8s.io/apimachinery/pkg/runtime/generated.proto',
    'k8s.io/apimachinery/pkg/util/intstr/generated.proto',
  ];
  const roots = [
    'k8s.io.api.autoscaling.v1.Scale',
    'k8s.io.api.authentication.v1.TokenRequest',
    'k8s.io.apimachinery.pkg.apis.meta.v1.Status',
  ];
  for (const type of builtinResourceTypes) {
    const pkg = protoPackage(type.group, type.version);
    const file = `k8s.io/${pkg.slice('k8s.io.'.length).replace(/\./g, '/')}/generated.proto`;
    if (!files.includes(file)) files.push(file);
    roots.push(`${pkg}.${type.kind}`, `${pkg}.${type.listKind}`);
  }
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(join(protoDir, file), 'utf8');
    } catch {
      continue; // apiextensions is not in kubernetes/api: the builder writes its kinds.
    }
    parseProto(text, messages);
  }
  return { messages, roots };
}

/**
 * Every definition reachable from the served built-in kinds (and their lists, Scale, Status),
 * sorted by name. Kinds without proto (apiextensions) are left to the document builder.
 */
export function deriveDefinitions(protoDir: string): Record<string, DerivedDefinition> {
  const { messages, roots } = readServedMessages(protoDir);
  const out: Record<string, DerivedDefinition> = {};
  const pending = roots.filter((root) => messages.has(root));
  while (pending.length > 0) {
    const name = pending.pop() as string;
    const key = definitionName(name);
    if (out[key]) continue;
    const scalar = scalarMessages[name];
    if (scalar) {
      out[key] = { ...scalar };
      continue;
    }
    const message = messages.get(name);
    if (!message) throw new Error(`unknown message ${name}`);
    const definition: DerivedDefinition = { type: 'object', properties: {} };
    const required: string[] = [];
    const listTypes: Record<string, string> = {};
    const patches: Record<string, string> = {};
    addFields(message, messages, definition, required, listTypes, patches, pending);
    if (required.length > 0) definition.required = required.sort();
    if (Object.keys(listTypes).length > 0) definition.listTypes = listTypes;
    if (Object.keys(patches).length > 0) definition.patchStrategies = patches;
    out[key] = definition;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function addFields(
  message: ProtoMessage,
  messages: Map<string, ProtoMessage>,
  definition: DerivedDefinition,
  required: string[],
  listTypes: Record<string, string>,
  patches: Record<string, string>,
  pending: string[],
): void {
  const properties = definition.properties as Record<string, string>;
  for (const field of message.fields) {
    if (isInline(message.name, field)) {
      const inner = messages.get(field.type);
      if (!inner) throw new Error(`unknown inline message ${field.type}`);
      addFields(inner, messages, definition, required, listTypes, patches, pending);
      continue;
    }
    const short = message.name.slice(message.name.lastIndexOf('.') + 1);
    const name = jsonNames[`${short}.${field.name}`] ?? field.name;
    properties[name] = typeString(field, messages, pending);
    if (isRequired(message.name, field)) required.push(name);
    const listType = field.markers.find((marker) => marker.startsWith('listType='))?.slice(9);
    const patchStrategy = field.markers.find((marker) => marker.startsWith('patchStrategy='));
    const patchMergeKey = field.markers.find((marker) => marker.startsWith('patchMergeKey='));
    if (patchStrategy) {
      patches[name] =
        `${patchStrategy.slice(14)}${patchMergeKey ? `:${patchMergeKey.slice(14)}` : ''}`;
    }
    if (field.repeated && listType) {
      const keys = field.markers
        .filter((marker) => marker.startsWith('listMapKey='))
        .map((marker) => marker.slice(11));
      listTypes[name] = listType === 'map' ? `map:${keys.join(',')}` : listType;
    }
  }
}

/** `string`, `integer/int32`, `ref:io.k8s.…`, prefixed `[]` (list) or `{}` (string-keyed map). */
function typeString(
  field: ProtoField,
  messages: Map<string, ProtoMessage>,
  pending: string[],
): string {
  let element = scalarTypes[field.type];
  if (!element) {
    const message = messages.get(field.type);
    // Go `[]string` types wrapped for protobuf (`ExtraValue`, `Verbs`) are plain lists in JSON.
    const wrapped = message?.markers.includes('protobuf.nullable=true')
      ? message.fields[0]
      : undefined;
    if (wrapped) element = `[]${scalarTypes[wrapped.type] ?? 'string'}`;
    else {
      pending.push(field.type);
      element = `ref:${definitionName(field.type)}`;
    }
  }
  if (field.map) return `{}${element}`;
  return field.repeated ? `[]${element}` : element;
}

/** The derived protobuf module the sandbox's codec loads. */
export const protoDescriptorFile = fileURLToPath(
  new URL('../src/sandbox/apiserver/kubernetesProtoDescriptor.ts', import.meta.url),
);

/** A protobufjs JSON field: `type` fully qualified with a leading dot unless scalar. */
interface DescriptorField {
  type: string;
  id: number;
  rule?: 'repeated';
  keyType?: 'string';
}

/** What the codec needs besides the wire schema to produce the JSON shape, by message name. */
export interface DerivedJsonShape {
  /** Proto fields whose message's fields appear in the parent's JSON (`json:",inline"`). */
  inline?: string[];
  /** Proto field name → JSON name where they differ. */
  jsonNames?: Record<string, string>;
  /** A Go `[]string` wrapped for protobuf (`items`): a plain list in JSON. */
  wrapped?: true;
}

/**
 * The protobufjs JSON descriptor (nested namespaces, proto2 field numbers and types) of every
 * message reachable from the served kinds, their lists, Scale, Status, WatchEvent, DeleteOptions
 * and runtime.Unknown, plus the JSON shapes the proto files do not say (inline fields, renamed
 * fields, wrapped lists).
 */
export function deriveProtoDescriptor(protoDir: string): {
  descriptor: Record<string, unknown>;
  shapes: Record<string, DerivedJsonShape>;
} {
  const { messages, roots } = readServedMessages(protoDir);
  roots.push(
    'k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent',
    'k8s.io.apimachinery.pkg.runtime.Unknown',
    // Bodies of DELETE (kubectl drain without the eviction API deletes pods with one).
    'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions',
  );
  const types = new Map<string, Record<string, DescriptorField>>();
  const shapes: Record<string, DerivedJsonShape> = {};
  const pending = roots.filter((root) => messages.has(root));
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (types.has(name)) continue;
    const message = messages.get(name);
    if (!message) throw new Error(`unknown message ${name}`);
    const fields: Record<string, DescriptorField> = {};
    const shape: DerivedJsonShape = {};
    const short = name.slice(name.lastIndexOf('.') + 1);
    for (const field of message.fields) {
      const scalar = scalarTypes[field.type] !== undefined;
      const entry: DescriptorField = { type: scalar ? field.type : `.${field.type}`, id: field.id };
      if (field.map) entry.keyType = 'string';
      if (field.repeated) entry.rule = 'repeated';
      fields[field.name] = entry;
      if (!scalar) pending.push(field.type);
      if (isInline(name, field)) (shape.inline ??= []).push(field.name);
      const jsonName = jsonNames[`${short}.${field.name}`];
      if (jsonName) (shape.jsonNames ??= {})[field.name] = jsonName;
    }
    if (message.markers.includes('protobuf.nullable=true')) shape.wrapped = true;
    if (Object.keys(shape).length > 0) shapes[name] = shape;
    types.set(name, fields);
  }
  const descriptor: Record<string, unknown> = {};
  for (const name of [...types.keys()].sort()) {
    const parts = name.split('.');
    let namespace = descriptor;
    for (const part of parts.slice(0, -1)) {
      const entry = (namespace[part] ??= { nested: {} }) as { nested: Record<string, unknown> };
      namespace = entry.nested;
    }
    // proto2: explicit presence (a set 0 is sent) and unpacked repeated numbers, as Go writes.
    namespace[parts[parts.length - 1] as string] = { edition: 'proto2', fields: types.get(name) };
  }
  return {
    descriptor: { nested: descriptor },
    shapes: Object.fromEntries(Object.entries(shapes).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

/** The text of the derived protobuf descriptor module, formatted as the repository's Prettier does. */
export async function renderProtoDescriptorModule(protoDir: string): Promise<string> {
  const { descriptor, shapes } = deriveProtoDescriptor(protoDir);
  const text = `// Generated by scripts/generateKubernetesApiDefinitions.ts from the generated.proto files of
// kubernetes/api and kubernetes/apimachinery v0.35.7 (Apache-2.0): message names, field names,
// numbers and types only. Do not edit; run the script again.

/** How a message's JSON differs from its proto fields (inline embeddings, renames, wrapped lists). */
export interface KubernetesJsonShape {
  readonly inline?: readonly string[];
  readonly jsonNames?: Readonly<Record<string, string>>;
  readonly wrapped?: true;
}

/** protobufjs JSON descriptor of the messages the sandbox reads and writes as protobuf. */
export const kubernetesProtoDescriptor = ${JSON.stringify(descriptor)};

/** JSON shapes by fully qualified message name, for messages whose JSON is not their fields. */
export const kubernetesJsonShapes: Readonly<Record<string, KubernetesJsonShape>> = ${JSON.stringify(shapes)};
`;
  const config = (await resolveConfig(protoDescriptorFile)) ?? {};
  return format(text, { ...config, filepath: protoDescriptorFile });
}

/** The text of the derived TypeScript module, formatted as the repository's Prettier does. */
export async function renderDefinitionsModule(protoDir: string): Promise<string> {
  const definitions = deriveDefinitions(protoDir);
  const text = `// Generated by scripts/generateKubernetesApiDefinitions.ts from the generated.proto files of
// kubernetes/api and kubernetes/apimachinery v0.35.7 (Apache-2.0): field names, types, required
// fields, list types and patch strategies only. Do not edit; run the script again.

/**
 * One Kubernetes API definition: an object's properties as type strings (\`string\`,
 * \`integer/int32\`, \`ref:io.k8s.…\`, prefixed \`[]\` for lists and \`{}\` for string-keyed maps),
 * or a scalar type for messages with a custom JSON form (Quantity, Time, IntOrString, …).
 */
export interface KubernetesApiDefinition {
  readonly type: string;
  readonly format?: string;
  readonly properties?: Readonly<Record<string, string>>;
  readonly required?: readonly string[];
  /** \`atomic\`, \`set\` or \`map:key,…\` for lists that declare a list type. */
  readonly listTypes?: Readonly<Record<string, string>>;
  /** Strategic merge patch strategy and merge key: \`merge:name\`, \`retainKeys\`, … */
  readonly patchStrategies?: Readonly<Record<string, string>>;
}

/** Definitions reachable from the built-in kinds the sandbox serves, by OpenAPI name. */
export const kubernetesApiDefinitions: Readonly<Record<string, KubernetesApiDefinition>> = ${JSON.stringify(definitions)};
`;
  const config = (await resolveConfig(definitionsFile)) ?? {};
  return format(text, { ...config, filepath: definitionsFile });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(definitionsFile, await renderDefinitionsModule(kubernetesProtoDir));
  process.stdout.write(`wrote ${definitionsFile}\n`);
  writeFileSync(protoDescriptorFile, await renderProtoDescriptorModule(kubernetesProtoDir));
  process.stdout.write(`wrote ${protoDescriptorFile}\n`);
}
