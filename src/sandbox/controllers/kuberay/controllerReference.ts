import type { KubeObject, OwnerReference } from '../../apiserver/resourceType.ts';

/**
 * controller-runtime's `SetControllerReference`: an owner reference marking `owner` as the
 * controller of a dependent, so garbage collection deletes the dependent with its owner.
 */
export function controllerReference(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? '',
    kind: owner.kind ?? '',
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The controlling owner reference of an object, if any. */
export function controllerOf(object: KubeObject): OwnerReference | undefined {
  return object.metadata?.ownerReferences?.find((reference) => reference.controller === true);
}
