import { createHash } from 'node:crypto';

import { sandboxKubernetesVersion } from './discovery.ts';
import { encodeOpenApiV2Protobuf } from './encodeOpenApiV2Protobuf.ts';
import { kubernetesApiDefinitions } from './kubernetesApiDefinitions.ts';
import type { ResourceRegistry } from './resourceRegistry.ts';
import { groupVersionOf, type ResourceType } from './resourceType.ts';
import type { JsonSchemaProps } from './structuralSchema.ts';

type Schema = Record<string, unknown>;

/** The built documents of one registry generation. */
interface Built {
  generation: number;
  v2Json: string;
  v2Protobuf: Uint8Array | undefined;
  v2: Schema;
  /** Per `api/v1` or `apis/{group}/{version}`: the v3 document text and its hash. */
  v3: Map<string, { text: string; hash: string }>;
  v3Index: string;
}

const objectMeta = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const listMeta = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';

/**
 * The sandbox's OpenAPI documents, as the API server publishes them: `/openapi/v2` (one swagger
 * 2.0 document, JSON or gnostic protobuf) and `/openapi/v3` (an index, and one OpenAPI 3.0
 * document per group version). Built-in kinds come from the Kubernetes 1.35 API definitions
 * (`kubernetesApiDefinitions.ts`, derived from upstream's proto files), custom resources from the
 * structural schemas of their CRDs. Every kind has `x-kubernetes-group-version-kind`, and each
 * resource path its operations, which is what `kubectl explain` and kubectl's validation look
 * up. Operations list no `fieldValidation` parameter, so kubectl validates client-side against
 * `/openapi/v2` (unknown fields, required fields, types) before it sends anything.
 *
 * Built lazily and cached until the registry's generation moves (a CRD served, changed or
 * removed); lists and watches never touch it.
 */
export class OpenApiDocuments {
  private built: Built | undefined;
  private readonly registry: ResourceRegistry;

  constructor(registry: ResourceRegistry) {
    this.registry = registry;
  }

  /** `GET /openapi/v2` as JSON text. */
  v2Json(): string {
    return this.current().v2Json;
  }

  /** `GET /openapi/v2` as `application/com.github.proto-openapi.spec.v2@v1.0+protobuf`. */
  v2Protobuf(): Uint8Array {
    const built = this.current();
    built.v2Protobuf ??= encodeOpenApiV2Protobuf(built.v2);
    return built.v2Protobuf;
  }

  /** `GET /openapi/v3`: `{paths: {"apis/ray.io/v1": {serverRelativeURL}}}`. */
  v3Index(): string {
    return this.current().v3Index;
  }

  /**
   * `GET /openapi/v3/{path}` (`api/v1`, `apis/ray.io/v1`) with the hash its index entry names,
   * or undefined when nothing is served there.
   */
  v3(path: string): { text: string; hash: string } | undefined {
    return this.current().v3.get(path);
  }

  private current(): Built {
    const generation = this.registry.generation;
    if (this.built?.generation !== generation) this.built = build(this.registry, generation);
    return this.built;
  }
}

function build(registry: ResourceRegistry, generation: number): Built {
  const types = registry.all();
  const v2Definitions = definitionsFor(types, 'v2');
  const v2: Schema = {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: sandboxKubernetesVersion.gitVersion },
    paths: Object.fromEntries(types.flatMap((type) => pathsOf(type, 'v2'))),
    definitions: v2Definitions,
  };
  const v3Definitions = definitionsFor(types, 'v3');
  const byGroupVersion = new Map<string, ResourceType[]>();
  for (const type of types) {
    const key = type.group ? `apis/${type.group}/${type.version}` : `api/${type.version}`;
    byGroupVersion.set(key, [...(byGroupVersion.get(key) ?? []), type]);
  }
  const v3 = new Map<string, { text: string; hash: string }>();
  for (const [path, gvTypes] of byGroupVersion) {
    const roots = gvTypes.flatMap((type) => [definitionName(type), listDefinitionName(type)]);
    const document = {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: sandboxKubernetesVersion.gitVersion },
      paths: Object.fromEntries(gvTypes.flatMap((type) => pathsOf(type, 'v3'))),
      components: { schemas: closure(v3Definitions, roots) },
    };
    const text = JSON.stringify(document);
    v3.set(path, { text, hash: hashOf(text) });
  }
  const index = {
    paths: Object.fromEntries(
      [...v3].map(([path, { hash }]) => [
        path,
        { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` },
      ]),
    ),
  };
  return {
    generation,
    v2Json: JSON.stringify(v2),
    v2Protobuf: undefined,
    v2,
    v3,
    v3Index: JSON.stringify(index),
  };
}

/** Upstream's hash: the SHA-512 of the document, upper-case hex. */
function hashOf(text: string): string {
  return createHash('sha512').update(text).digest('hex').toUpperCase();
}

type Flavor = 'v2' | 'v3';

function refTo(name: string, flavor: Flavor): Schema {
  return flavor === 'v2'
    ? { $ref: `#/definitions/${name}` }
    : { allOf: [{ $ref: `#/components/schemas/${name}` }] };
}

/** The OpenAPI definition name of a served kind: `io.k8s.api.core.v1.Pod`, `io.ray.v1.RayCluster`. */
export function definitionName(type: Pick<ResourceType, 'group' | 'version' | 'kind'>): string {
  return `${packageOf(type.group)}.${type.version}.${type.kind}`;
}

function listDefinitionName(type: ResourceType): string {
  return definitionName({ ...type, kind: type.listKind });
}

function packageOf(group: string): string {
  if (group === '') return 'io.k8s.api.core';
  if (group === 'apiextensions.k8s.io')
    return 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions';
  if (group.endsWith('.k8s.io') || !group.includes('.'))
    return `io.k8s.api.${group.split('.')[0] as string}`;
  return group.split('.').reverse().join('.');
}

function gvkOf(type: ResourceType, kind = type.kind): Schema {
  return { group: type.group, kind, version: type.version };
}

/** Every definition: Kubernetes' built-in ones, then one kind and list per served type. */
function definitionsFor(types: readonly ResourceType[], flavor: Flavor): Record<string, Schema> {
  const definitions: Record<string, Schema> = { ...builtinDefinitions(flavor) };
  const typeMeta = { apiVersion: { type: 'string' }, kind: { type: 'string' } };
  for (const type of types) {
    const name = definitionName(type);
    const gvks = [gvkOf(type)];
    const existing = definitions[name];
    if (type.schema) {
      definitions[name] = {
        ...customResourceSchema(type.schema, flavor),
        'x-kubernetes-group-version-kind': gvks,
      };
    } else if (existing?.['properties']) {
      const known = (existing['x-kubernetes-group-version-kind'] as Schema[] | undefined) ?? [];
      definitions[name] = {
        ...existing,
        properties: { ...typeMeta, ...(existing['properties'] as Schema) },
        'x-kubernetes-group-version-kind': [...known, ...gvks],
      };
    } else {
      // A kind without upstream definitions here (CustomResourceDefinition): its spec and
      // status are free-form objects.
      definitions[name] = {
        type: 'object',
        properties: {
          ...typeMeta,
          metadata: refTo(objectMeta, flavor),
          spec: { type: 'object' },
          status: { type: 'object' },
        },
        'x-kubernetes-group-version-kind': gvks,
      };
    }
    const listName = listDefinitionName(type);
    definitions[listName] = {
      type: 'object',
      required: ['items'],
      properties: {
        ...typeMeta,
        metadata: refTo(listMeta, flavor),
        items: { type: 'array', items: refTo(name, flavor) },
      },
      'x-kubernetes-group-version-kind': [gvkOf(type, type.listKind)],
    };
  }
  return definitions;
}

const builtinCache = new Map<Flavor, Readonly<Record<string, Schema>>>();

/**
 * The Kubernetes definitions, built once per process and shared (never mutated) by every
 * document generation, so the protobuf encoder can reuse their bytes too.
 */
function builtinDefinitions(flavor: Flavor): Readonly<Record<string, Schema>> {
  let definitions = builtinCache.get(flavor);
  if (!definitions) {
    definitions = Object.fromEntries(
      Object.entries(kubernetesApiDefinitions).map(([name, definition]) => [
        name,
        builtinSchema(definition, flavor),
      ]),
    );
    builtinCache.set(flavor, definitions);
  }
  return definitions;
}

function builtinSchema(
  definition: (typeof kubernetesApiDefinitions)[string],
  flavor: Flavor,
): Schema {
  if (definition.type !== 'object' || !definition.properties) {
    if (flavor === 'v3' && definition.format === 'int-or-string')
      return { format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] };
    if (flavor === 'v3' && definition.format === 'quantity')
      return { oneOf: [{ type: 'string' }, { type: 'number' }] };
    return {
      type: definition.type,
      ...(definition.format && definition.format !== 'quantity'
        ? { format: definition.format }
        : {}),
    };
  }
  const properties: Record<string, Schema> = {};
  for (const [field, typeString] of Object.entries(definition.properties)) {
    const schema = fieldSchema(typeString, flavor);
    const listType = definition.listTypes?.[field];
    if (listType) {
      const [kind, keys] = listType.split(':') as [string, string | undefined];
      schema['x-kubernetes-list-type'] = kind;
      if (keys) schema['x-kubernetes-list-map-keys'] = keys.split(',');
    }
    // kubectl apply computes strategic merge patches of built-in kinds from these.
    const patch = definition.patchStrategies?.[field];
    if (patch) {
      const [strategy, mergeKey] = patch.split(':') as [string, string | undefined];
      schema['x-kubernetes-patch-strategy'] = strategy;
      if (mergeKey) schema['x-kubernetes-patch-merge-key'] = mergeKey;
    }
    properties[field] = schema;
  }
  return {
    type: 'object',
    ...(definition.required ? { required: definition.required } : {}),
    properties,
  };
}

/** `[]ref:X`, `{}string`, `integer/int32` → a property schema. */
function fieldSchema(typeString: string, flavor: Flavor): Schema {
  if (typeString.startsWith('[]'))
    return { type: 'array', items: fieldSchema(typeString.slice(2), flavor) };
  if (typeString.startsWith('{}'))
    return { type: 'object', additionalProperties: fieldSchema(typeString.slice(2), flavor) };
  if (typeString.startsWith('ref:')) return refTo(typeString.slice(4), flavor);
  const [type, format] = typeString.split('/') as [string, string | undefined];
  return { type, ...(format ? { format } : {}) };
}

/**
 * A CRD version's structural schema as a definition: `apiVersion`, `kind` and `metadata`
 * (ObjectMeta) set as the API server sets them. For v2, what swagger 2.0 and kubectl's reader
 * cannot express is dropped as apiextensions' `ToStructuralOpenAPIV2` drops it: combinators,
 * and nullable, int-or-string, preserve-unknown-fields and embedded-resource nodes become
 * untyped (anything goes there); fields with defaults are not required.
 */
function customResourceSchema(schema: JsonSchemaProps, flavor: Flavor): Schema {
  const converted = flavor === 'v2' ? toV2(schema) : ({ ...schema } as Schema);
  return {
    ...converted,
    type: 'object',
    properties: {
      ...((converted['properties'] as Schema | undefined) ?? {}),
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: refTo(objectMeta, flavor),
    },
  };
}

function toV2(schema: JsonSchemaProps): Schema {
  const {
    anyOf: _anyOf,
    allOf: _allOf,
    oneOf: _oneOf,
    not: _not,
    nullable,
    'x-kubernetes-validations': _rules,
    ...rest
  } = schema;
  const out: Schema = { ...rest };
  const untyped =
    nullable === true ||
    schema['x-kubernetes-preserve-unknown-fields'] === true ||
    schema['x-kubernetes-int-or-string'] === true ||
    schema['x-kubernetes-embedded-resource'] === true;
  if (untyped) {
    delete out['type'];
    delete out['properties'];
    delete out['items'];
    delete out['additionalProperties'];
    delete out['required'];
    return out;
  }
  if (schema.properties) {
    const entries = Object.entries(schema.properties);
    // A required field with a default is filled in by the server, so a manifest may omit it
    // (KubeRay's minReplicas/maxReplicas); kubectl's reader must not demand it.
    const required = (schema.required ?? []).filter(
      (name) => schema.properties?.[name]?.default === undefined,
    );
    if (required.length > 0) out['required'] = required;
    else delete out['required'];
    if (entries.length === 0) delete out['properties'];
    else out['properties'] = Object.fromEntries(entries.map(([k, v]) => [k, toV2(v)]));
  }
  if (schema.items) out['items'] = toV2(schema.items);
  if (typeof schema.additionalProperties === 'object')
    out['additionalProperties'] = toV2(schema.additionalProperties);
  return out;
}

/** The definitions reachable from `roots` through `$ref`s. */
function closure(definitions: Record<string, Schema>, roots: string[]): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  const pending = [...roots];
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (out[name] || !definitions[name]) continue;
    out[name] = definitions[name];
    collectRefs(definitions[name], pending);
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function collectRefs(node: unknown, into: string[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, into);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') {
      into.push(value.slice(value.lastIndexOf('/') + 1));
    } else if (key !== 'default' && key !== 'enum' && key !== 'example') {
      collectRefs(value, into);
    }
  }
}

const actions = {
  get: 'get',
  put: 'put',
  patch: 'patch',
  delete: 'delete',
} as const;

/**
 * The resource paths of a type, namespaced or cluster-wide, each operation naming its GVK
 * (`x-kubernetes-group-version-kind`, `x-kubernetes-action`) and answering the kind's schema.
 */
function pathsOf(type: ResourceType, flavor: Flavor): [string, Schema][] {
  const prefix = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  const base = type.namespaced
    ? `${prefix}/namespaces/{namespace}/${type.plural}`
    : `${prefix}/${type.plural}`;
  const gvk = gvkOf(type);
  const operation = (action: string, kind: string, definition: string): Schema => ({
    operationId: `${action}${groupVersionOf(type).replace(/[^A-Za-z0-9]/g, '')}${kind}`,
    responses: {
      '200':
        flavor === 'v2'
          ? { description: 'OK', schema: { $ref: `#/definitions/${definition}` } }
          : {
              description: 'OK',
              content: {
                'application/json': {
                  schema: { $ref: `#/components/schemas/${definition}` },
                },
              },
            },
    },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  });
  const name = definitionName(type);
  if (type.review) return [[base, { post: operation('post', type.kind, name) }]];
  const item: Schema = {};
  for (const [method, action] of Object.entries(actions)) {
    if (type.verbs.includes(method)) item[method] = operation(action, type.kind, name);
  }
  // The patch formats served: kubectl apply computes a strategic merge patch (from this
  // document's patch strategies) only where the PATCH operation accepts one.
  const patchTypes = [
    'application/json-patch+json',
    'application/merge-patch+json',
    ...(type.schema ? [] : ['application/strategic-merge-patch+json']),
    'application/apply-patch+yaml',
  ];
  if (item['patch']) {
    item['patch'] =
      flavor === 'v2'
        ? { ...(item['patch'] as Schema), consumes: patchTypes }
        : {
            ...(item['patch'] as Schema),
            requestBody: {
              content: Object.fromEntries(
                patchTypes.map((mediaType) => [mediaType, { schema: { type: 'object' } }]),
              ),
            },
          };
  }
  return [
    [
      base,
      {
        get: operation('list', type.kind, listDefinitionName(type)),
        post: operation('post', type.kind, name),
      },
    ],
    [`${base}/{name}`, item],
  ];
}
