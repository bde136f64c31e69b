import type { KubeObject } from '../../apiserver/resourceType.ts';

/**
 * The object with `spec: {}` when its spec is missing (a patch can remove it: the CRDs do not
 * require one). KubeRay's Go types make a missing spec the zero value, which its validation
 * then rejects with an event and status, rather than every reader failing on `undefined`.
 */
export function withZeroValueSpec<T extends KubeObject & { spec: unknown }>(object: T): T {
  return typeof object.spec === 'object' && object.spec !== null ? object : { ...object, spec: {} };
}
