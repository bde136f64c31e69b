import {
  type BuiltinFieldShape,
  builtinKindMessages,
  builtinMessageShapes,
} from './builtinListTypes.ts';
import type { ResourceType } from './resourceType.ts';
import type { JsonSchemaProps } from './structuralSchema.ts';

/**
 * How server-side apply merges and tracks one value (structured-merge-diff's schema, reduced to
 * what ownership needs). A map merges key by key unless `atomic`; a list merges item by item
 * only with `list` (a set, or a list-map by key fields), else it is atomic; a scalar is a leaf.
 * `{}` is the deduced type of untyped values: maps merge by key, lists are atomic.
 */
export interface ApplyType {
  /** Replaced as a whole: owned and compared as one leaf. */
  readonly atomic?: boolean;
  /** The type of a declared field of a map; undefined for a key the schema does not declare. */
  readonly field?: (name: string) => ApplyType | undefined;
  /** The type of undeclared keys (`additionalProperties`, labels); deduced when absent. */
  readonly values?: ApplyType;
  /** Undeclared keys are pruned from objects (CRD schemas), so they are never owned. */
  readonly closed?: boolean;
  /** A list merged by item: `set` (by value) or a list-map (by its key fields). */
  readonly list?:
    'set' | { readonly keys: readonly string[]; readonly defaults: Record<string, unknown> };
  /** The type of a list's items. */
  readonly items?: ApplyType;
}

/** The deduced type: maps by key, lists atomic. */
export const deducedType: ApplyType = {};
const atomicType: ApplyType = { atomic: true };

/** The type of `key` in a map of type `type`. */
export function memberType(type: ApplyType, key: string): ApplyType {
  return type.field?.(key) ?? type.values ?? deducedType;
}

/** Whether the schema declares `key` as a field (a struct field, not a map key). */
export function isDeclaredField(type: ApplyType, key: string): boolean {
  return type.field?.(key) !== undefined;
}

// ---- built-in kinds ----------------------------------------------------------------------

const messageTypes = new Map<string, ApplyType>();

/** A built-in struct: every key is a declared field; the table names the special ones. */
function messageType(name: string | undefined): ApplyType {
  const cached = messageTypes.get(name ?? '');
  if (cached) return cached;
  const shapes = name ? (builtinMessageShapes[name] ?? {}) : {};
  const fieldTypes = new Map<string, ApplyType>();
  const type: ApplyType = {
    field: (key) => {
      let fieldType = fieldTypes.get(key);
      if (!fieldType) {
        fieldType = Object.hasOwn(shapes, key)
          ? shapeType(shapes[key] as BuiltinFieldShape)
          : messageType(undefined);
        fieldTypes.set(key, fieldType);
      }
      return fieldType;
    },
  };
  messageTypes.set(name ?? '', type);
  return type;
}

function shapeType(shape: BuiltinFieldShape): ApplyType {
  const element = shape.atomic ? atomicType : messageType(shape.of);
  if (shape.list === 'set') return { list: 'set', items: atomicType };
  if (Array.isArray(shape.list)) {
    return {
      list: { keys: shape.list as readonly string[], defaults: { ...shape.keyDefaults } },
      items: element,
    };
  }
  if (shape.map) return shape.atomic ? atomicType : { values: shape.of ? element : deducedType };
  return element;
}

const objectMetaType = messageType('meta.v1.ObjectMeta');

// ---- custom resources ----------------------------------------------------------------------

const schemaTypes = new WeakMap<JsonSchemaProps, ApplyType>();

/** The apply type of a structural schema node (`embedded` for resources with metadata). */
function schemaType(schema: JsonSchemaProps, embedded: boolean): ApplyType {
  const cached = schemaTypes.get(schema);
  if (cached && !embedded) return cached;
  let type: ApplyType;
  if (schema['x-kubernetes-int-or-string']) type = atomicType;
  else if (schema.type === 'array') {
    const listType = schema['x-kubernetes-list-type'] ?? 'atomic';
    const items = schema.items ? schemaType(schema.items, false) : deducedType;
    if (listType === 'set') type = { list: 'set', items: atomicType };
    else if (listType === 'map') {
      const keys = schema['x-kubernetes-list-map-keys'] ?? [];
      const defaults: Record<string, unknown> = {};
      for (const key of keys) {
        const fallback = schema.items?.properties?.[key]?.default;
        if (fallback !== undefined) defaults[key] = fallback;
      }
      type = { list: { keys, defaults }, items };
    } else type = atomicType;
  } else if (schema.type === 'object' || schema.properties || embedded) {
    const properties = schema.properties ?? {};
    const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
    const additional =
      typeof schema.additionalProperties === 'object'
        ? schemaType(schema.additionalProperties, false)
        : undefined;
    const resource = embedded || schema['x-kubernetes-embedded-resource'] === true;
    type = {
      ...(schema['x-kubernetes-map-type'] === 'atomic' ? { atomic: true } : {}),
      field: (key) => {
        if (resource && key === 'metadata') return objectMetaType;
        if (resource && (key === 'apiVersion' || key === 'kind')) return deducedType;
        const property = properties[key];
        return property ? schemaType(property, false) : undefined;
      },
      ...(additional ? { values: additional } : {}),
      ...(!preserve && !additional && schema.additionalProperties !== true ? { closed: true } : {}),
    };
  } else if (schema.type === undefined) type = deducedType;
  else type = atomicType;
  if (!embedded) schemaTypes.set(schema, type);
  return type;
}

/**
 * The apply type of a served kind: a CRD's structural schema (its `metadata` read as ObjectMeta),
 * the derived table of built-in kinds, else a struct with atomic lists (CustomResourceDefinition).
 */
export function applyTypeOf(type: ResourceType): ApplyType {
  if (type.schema) return schemaType(type.schema, true);
  const message = builtinKindMessages[`${type.group}/${type.kind}`];
  if (message) return messageType(message);
  return { field: (key) => (key === 'metadata' ? objectMetaType : messageType(undefined)) };
}
