/**
 * Derives {@link BuiltinMessageShapes} — how server-side apply merges the lists and maps of the
 * built-in kinds the sandbox serves — from the `generated.proto` files of kubernetes/api and
 * kubernetes/apimachinery (v0.35.7, Apache-2.0) in `../shared/upstream/kubernetes-proto`, as
 * kube-openapi's schema conversion reads the same markers: `+listType` with `+listMapKey`
 * first, else `+patchStrategy=merge` (with `+patchMergeKey` a list-map, without a set), else an
 * atomic list; `+structType=atomic` on a message and `+mapType=atomic` on a field make a value
 * atomic; `+default=` of a key field fills a missing key. Used by `builtinListTypes.test.ts` to
 * check the table in `builtinListTypes.ts` against upstream (the proto files are not there at
 * run time). Only facts are carried over.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type {
  BuiltinFieldShape,
  BuiltinMessageShapes,
} from '../../src/sandbox/apiserver/builtinListTypes.ts';
import { builtinResourceTypes } from '../../src/sandbox/apiserver/builtinResourceTypes.ts';

interface ProtoField {
  name: string;
  type: string;
  repeated: boolean;
  markers: string[];
}

interface ProtoMessage {
  fields: ProtoField[];
  markers: string[];
}

/** Fields Go embeds inline (`json:",inline"`); their message's fields belong to the parent. */
const inlineFields = new Set([
  'Volume.volumeSource',
  'EphemeralContainer.ephemeralContainerCommon',
  'Probe.handler',
  'PersistentVolumeSpec.persistentVolumeSource',
  'IngressRule.ingressRuleValue',
]);

function parse(text: string, messages: Map<string, ProtoMessage>): void {
  const pkg = (/^package k8s\.io\.(?:api\.)?([\w.]+);/m.exec(text)?.[1] ?? '').replace(
    /^apimachinery\.pkg\.(apis\.)?/,
    '',
  );
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
      current = { fields: [], markers: comment };
      messages.set(`${pkg}.${start[1]}`, current);
    } else if (line === '}') {
      current = undefined;
    } else if (current) {
      const field = /^(optional|repeated) ([\w.]+) (\w+) = \d+;/.exec(line);
      const map = /^map<string, ([\w.]+)> (\w+) = \d+;/.exec(line);
      if (field) {
        current.fields.push({
          name: field[3] as string,
          type: qualify(field[2] as string, pkg),
          repeated: field[1] === 'repeated',
          markers: comment,
        });
      } else if (map) {
        current.fields.push({
          name: map[2] as string,
          type: qualify(map[1] as string, pkg),
          repeated: false,
          markers: [...comment, 'map'],
        });
      }
    }
    if (line !== '') comment = [];
  }
}

/** `k8s.io.api.core.v1.PodSpec` → `core.v1.PodSpec`; scalars stay as they are. */
function qualify(type: string, pkg: string): string {
  if (type.startsWith('.')) {
    return type
      .slice(1)
      .replace(/^k8s\.io\.(api\.)?/, '')
      .replace(/^apimachinery\.pkg\.(apis\.)?/, '');
  }
  return type.includes('.') || /^[a-z]/.test(type) ? type : `${pkg}.${type}`;
}

function marker(field: { markers: string[] }, name: string): string | undefined {
  return field.markers.find((item) => item.startsWith(`${name}=`))?.slice(name.length + 1);
}

/** The shapes of every message reachable from the served built-in kinds that need one. */
export function deriveBuiltinListTypes(protoDir: string): {
  messages: BuiltinMessageShapes;
  kinds: Record<string, string>;
} {
  const messages = new Map<string, ProtoMessage>();
  const files = new Set([
    'k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto',
    'k8s.io/apimachinery/pkg/api/resource/generated.proto',
    'k8s.io/apimachinery/pkg/util/intstr/generated.proto',
  ]);
  const kinds: Record<string, string> = {};
  for (const type of builtinResourceTypes) {
    if (type.review || type.group === 'apiextensions.k8s.io') continue;
    const short = type.group === '' ? 'core' : (type.group.split('.')[0] as string);
    files.add(`k8s.io/api/${short}/${type.version}/generated.proto`);
    kinds[`${type.group}/${type.kind}`] = `${short}.${type.version}.${type.kind}`;
  }
  for (const file of files) parse(readFileSync(join(protoDir, file), 'utf8'), messages);

  const shapes: BuiltinMessageShapes = {};
  const visiting = new Set<string>();
  /** Whether a message needs an entry (it or something below has a non-default shape). */
  const visit = (name: string): boolean => {
    if (Object.hasOwn(shapes, name)) return true;
    const message = messages.get(name);
    if (!message || visiting.has(name)) return false;
    visiting.add(name);
    const fields: Record<string, BuiltinFieldShape> = {};
    const collect = (owner: string, source: ProtoMessage): void => {
      for (const field of source.fields) {
        const ownerShort = owner.slice(owner.lastIndexOf('.') + 1);
        const inline =
          inlineFields.has(`${ownerShort}.${field.name}`) ||
          (field.name === 'localObjectReference' && field.type.endsWith('.LocalObjectReference'));
        if (inline) {
          const inner = messages.get(field.type);
          if (inner) collect(field.type, inner);
          continue;
        }
        const shape: {
          list?: 'set' | string[];
          map?: true;
          atomic?: true;
          of?: string;
          keyDefaults?: Record<string, unknown>;
        } = {};
        if (field.repeated) {
          const listType = marker(field, 'listType');
          const strategy = marker(field, 'patchStrategy') ?? '';
          const mergeKey = marker(field, 'patchMergeKey');
          if (listType === 'map') {
            shape.list = field.markers
              .filter((item) => item.startsWith('listMapKey='))
              .map((item) => item.slice('listMapKey='.length));
          } else if (listType === 'set') shape.list = 'set';
          else if (listType === undefined && strategy.split(',').includes('merge')) {
            shape.list = mergeKey ? [mergeKey] : 'set';
          }
        }
        if (field.markers.includes('map')) shape.map = true;
        if (marker(field, 'mapType') === 'atomic' || marker(field, 'structType') === 'atomic')
          shape.atomic = true;
        const child = messages.get(field.type);
        if (child) {
          if (child.markers.includes('structType=atomic')) shape.atomic = true;
          if (Array.isArray(shape.list)) {
            const defaults: Record<string, unknown> = {};
            for (const key of shape.list) {
              const value = child.fields.find((item) => item.name === key);
              const fallback = value && marker(value, 'default');
              if (fallback !== undefined && !fallback.startsWith('ref(')) {
                defaults[key] = JSON.parse(fallback) as unknown;
              }
            }
            if (Object.keys(defaults).length > 0) shape.keyDefaults = defaults;
          }
          if (
            !shape.atomic &&
            (field.repeated ? shape.list !== undefined : true) &&
            visit(field.type)
          )
            shape.of = field.type;
        }
        if (shape.list !== undefined || shape.atomic || shape.of || shape.map)
          fields[field.name] = shape;
      }
    };
    collect(name, message);
    visiting.delete(name);
    if (Object.keys(fields).length === 0) return false;
    shapes[name] = fields;
    return true;
  };
  for (const message of Object.values(kinds)) visit(message);
  const sorted: BuiltinMessageShapes = {};
  for (const name of Object.keys(shapes).sort())
    sorted[name] = shapes[name] as Record<string, BuiltinFieldShape>;
  return { messages: sorted, kinds };
}
