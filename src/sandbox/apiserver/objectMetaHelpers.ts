import type { KubeObject, ObjectMeta } from './resourceType.ts';

/** Characters Kubernetes uses for generateName suffixes (no vowels, no look-alikes). */
const suffixAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** A 5-character random suffix, as the API server appends to `generateName`. */
export function randomNameSuffix(random: () => number = Math.random): string {
  let suffix = '';
  for (let index = 0; index < 5; index++) {
    suffix += suffixAlphabet[Math.floor(random() * suffixAlphabet.length)];
  }
  return suffix;
}

/** The object's metadata, never undefined. */
export function metaOf(object: KubeObject): ObjectMeta {
  return object.metadata ?? {};
}

/** Deep structural equality of JSON values (objects compare by keys, arrays by order). */
export function jsonEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) {
    return false;
  }
  if (Array.isArray(left) !== Array.isArray(right)) return false;
  if (Array.isArray(left)) {
    const other = right as unknown[];
    return (
      left.length === other.length && left.every((item, index) => jsonEqual(item, other[index]))
    );
  }
  const leftRecord = left as Record<string, unknown>;
  const rightRecord = right as Record<string, unknown>;
  const leftKeys = Object.keys(leftRecord).filter((key) => leftRecord[key] !== undefined);
  const rightKeys = Object.keys(rightRecord).filter((key) => rightRecord[key] !== undefined);
  return (
    leftKeys.length === rightKeys.length &&
    leftKeys.every((key) => jsonEqual(leftRecord[key], rightRecord[key]))
  );
}

/** The object without metadata and status: what a `generation` bump is decided on. */
export function specPart(object: KubeObject): Record<string, unknown> {
  const { metadata: _metadata, status: _status, ...rest } = object;
  return rest;
}
