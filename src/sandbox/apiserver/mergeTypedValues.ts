/**
 * Server-side apply's operations on typed JSON values (ports of structured-merge-diff v6
 * `typed`: Merge, ToFieldSet, Compare, RemoveItems), over the reduced {@link ApplyType}.
 * Values are plain JSON; every function leaves its inputs untouched.
 */
import { type ApplyType, isDeclaredField, memberType } from './applyTypeOf.ts';
import { fieldElement, FieldSet, keyElement, type PathElement, valueElement } from './FieldSet.ts';
import { jsonEqual } from './objectMetaHelpers.ts';

type Json = unknown;
type JsonMap = Record<string, Json>;

function isMap(value: Json): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a value merges by member (a granular map, or a set or list-map). */
function isGranular(type: ApplyType, value: Json): boolean {
  if (type.atomic) return false;
  if (isMap(value)) return true;
  return Array.isArray(value) && type.list !== undefined;
}

/** The path element of a list item: `v:` for sets, `k:` for list-maps, `i:` otherwise. */
export function listItemElement(type: ApplyType, item: Json, index: number): PathElement {
  if (type.list === 'set') return valueElement(item);
  if (type.list && isMap(item)) {
    const keys: Record<string, unknown> = {};
    for (const key of type.list.keys) {
      const value = Object.hasOwn(item, key) ? item[key] : type.list.defaults[key];
      if (value === undefined) return `i:${index}`;
      keys[key] = value;
    }
    return keyElement(keys);
  }
  return `i:${index}`;
}

function itemsByElement(type: ApplyType, list: readonly Json[]): Map<PathElement, Json> {
  const out = new Map<PathElement, Json>();
  list.forEach((item, index) => {
    const element = listItemElement(type, item, index);
    if (!out.has(element)) out.set(element, item);
  });
  return out;
}

/**
 * The fields a value sets (`ToFieldSet`): leaves (scalars, atomic values, empty or null map
 * members), every item of a set or list-map, and every key a schema does not declare (map keys
 * such as labels). Undeclared keys of closed schemas are left out: they are pruned.
 */
export function toFieldSet(value: Json, type: ApplyType): FieldSet {
  const set = new FieldSet();
  const walk = (current: Json, currentType: ApplyType, path: PathElement[]): void => {
    if (!isGranular(currentType, current)) {
      set.insert(path);
      return;
    }
    if (Array.isArray(current)) {
      current.forEach((item, index) => {
        const itemPath = [...path, listItemElement(currentType, item, index)];
        walk(item, currentType.items ?? {}, itemPath);
        set.insert(itemPath);
      });
      return;
    }
    for (const [key, child] of Object.entries(current as JsonMap)) {
      const declared = isDeclaredField(currentType, key);
      if (!declared && currentType.closed) continue;
      const childPath = [...path, fieldElement(key)];
      walk(child, memberType(currentType, key), childPath);
      if (child === null || (isMap(child) && Object.keys(child).length === 0) || !declared) {
        set.insert(childPath);
      }
    }
  };
  walk(value, type, []);
  return set;
}

/** What changed between two values, as field sets (`typed.Comparison`). */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** Compares `lhs` (old) with `rhs` (new): added and removed nodes, modified leaves. */
export function compareTypedValues(lhs: Json, rhs: Json, type: ApplyType): Comparison {
  const comparison: Comparison = {
    added: new FieldSet(),
    modified: new FieldSet(),
    removed: new FieldSet(),
  };
  const walk = (
    left: Json | undefined,
    right: Json | undefined,
    currentType: ApplyType,
    path: PathElement[],
  ): void => {
    if (path.length > 0) {
      if (left === undefined) comparison.added.insert(path);
      else if (right === undefined) comparison.removed.insert(path);
    }
    const leftGranular = left !== undefined && isGranular(currentType, left);
    const rightGranular = right !== undefined && isGranular(currentType, right);
    const bothEmpty = isEmptyCollection(left) && isEmptyCollection(right);
    if (
      left !== undefined &&
      right !== undefined &&
      (!leftGranular || !rightGranular || bothEmpty || Array.isArray(left) !== Array.isArray(right))
    ) {
      if (!jsonEqual(left, right)) comparison.modified.insert(path);
      return;
    }
    const side = left ?? right;
    if (Array.isArray(side)) {
      if (!(leftGranular || rightGranular)) return;
      const leftItems = itemsByElement(currentType, Array.isArray(left) ? left : []);
      const rightItems = itemsByElement(currentType, Array.isArray(right) ? right : []);
      for (const element of new Set([...leftItems.keys(), ...rightItems.keys()])) {
        walk(leftItems.get(element), rightItems.get(element), currentType.items ?? {}, [
          ...path,
          element,
        ]);
      }
      return;
    }
    if (!isMap(side) || !(leftGranular || rightGranular)) return;
    const leftMap = isMap(left) ? left : {};
    const rightMap = isMap(right) ? right : {};
    for (const key of new Set([...Object.keys(leftMap), ...Object.keys(rightMap)])) {
      walk(
        Object.hasOwn(leftMap, key) ? leftMap[key] : undefined,
        Object.hasOwn(rightMap, key) ? rightMap[key] : undefined,
        memberType(currentType, key),
        [...path, fieldElement(key)],
      );
    }
  };
  walk(lhs, rhs, type, []);
  return comparison;
}

function isEmptyCollection(value: Json | undefined): boolean {
  return (
    value === undefined ||
    value === null ||
    (Array.isArray(value) && value.length === 0) ||
    (isMap(value) && Object.keys(value).length === 0)
  );
}

/**
 * Merges an applied configuration into the live value (`typed.Merge`): the configuration wins
 * for leaves and atomic values; maps merge key by key; sets and list-maps merge item by item,
 * items of the configuration in its order and live-only items where they were.
 */
export function mergeTypedValues(live: Json, config: Json, type: ApplyType): Json {
  if (config === undefined) return structuredClone(live);
  if (live === undefined || !isGranular(type, config) || !isGranular(type, live)) {
    return structuredClone(config);
  }
  if (Array.isArray(config) !== Array.isArray(live)) return structuredClone(config);
  if (Array.isArray(config) && Array.isArray(live)) {
    const itemType = type.items ?? {};
    const configItems = itemsByElement(type, config);
    const liveItems = itemsByElement(type, live);
    const configOrder = [...configItems.keys()];
    const emitted = new Set<PathElement>();
    const out: Json[] = [];
    let next = 0;
    const emitConfigUpTo = (element: PathElement): void => {
      while (next < configOrder.length) {
        const current = configOrder[next++] as PathElement;
        if (emitted.has(current)) continue;
        emitted.add(current);
        out.push(mergeTypedValues(liveItems.get(current), configItems.get(current), itemType));
        if (current === element) return;
      }
    };
    live.forEach((item, index) => {
      const element = listItemElement(type, item, index);
      if (configItems.has(element)) emitConfigUpTo(element);
      else out.push(structuredClone(item));
    });
    emitConfigUpTo('');
    return out;
  }
  const out: JsonMap = { ...(structuredClone(live) as JsonMap) };
  for (const [key, value] of Object.entries(config as JsonMap)) {
    Object.defineProperty(out, key, {
      value: mergeTypedValues(
        Object.hasOwn(out, key) ? out[key] : undefined,
        value,
        memberType(type, key),
      ),
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return out;
}

/** The value without the members of `set` (each removed with everything under it). */
export function removeFieldSet(value: Json, set: FieldSet, type: ApplyType): Json {
  if (set.isEmpty() || !isGranular(type, value)) return value;
  if (Array.isArray(value)) {
    const out: Json[] = [];
    value.forEach((item, index) => {
      const element = listItemElement(type, item, index);
      if (set.members.has(element)) return;
      const below = set.children.get(element);
      out.push(below ? removeFieldSet(item, below, type.items ?? {}) : item);
    });
    return out;
  }
  const out: JsonMap = {};
  for (const [key, child] of Object.entries(value as JsonMap)) {
    const element = fieldElement(key);
    if (set.members.has(element)) continue;
    const below = set.children.get(element);
    Object.defineProperty(out, key, {
      value: below ? removeFieldSet(child, below, memberType(type, key)) : child,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * `EnsureNamedFieldsAreMembers`: the same set where every declared field that has children is a
 * member too, so pruning removes a declared field whose content nobody owns any more.
 */
export function withNamedFieldsAsMembers(set: FieldSet, type: ApplyType): FieldSet {
  const out = new FieldSet();
  for (const member of set.members) out.members.add(member);
  for (const [element, child] of set.children) {
    const named = element.startsWith('f:');
    if (named && isDeclaredField(type, element.slice(2))) out.members.add(element);
    const childType = named ? memberType(type, element.slice(2)) : (type.items ?? {});
    out.children.set(element, withNamedFieldsAsMembers(child, childType));
  }
  return out;
}
