import type { KubeConfig } from '@kubernetes/client-node';

import type { ResourceQuotaResource } from '../../shared/k8s/kubeTypes.ts';
import { KubeApiError } from './k8sErrors.ts';
import type { kubeKinds } from './kubeKinds.ts';
import {
  collectionPath,
  type ConfigMapResource,
  type KubeKind,
  type KubeKindTypes,
  type KubeObject,
  objectPath,
} from './kubeKinds.ts';
import { kubeRequest } from './kubeRequest.ts';

/** A ConfigMap as the portal reads and writes it. */
export type ConfigMapObject = ConfigMapResource;

/** The resource names of the ray.io kinds, e.g. `rayclusters`. */
export type RayPlural = (typeof kubeKinds)['RayCluster' | 'RayJob' | 'RayService']['plural'];

const rayKindOfPlural: Readonly<Record<RayPlural, KubeKind>> = {
  rayclusters: 'RayCluster',
  rayjobs: 'RayJob',
  rayservices: 'RayService',
};

/**
 * The writes and point reads Raydeck's services make against Kubernetes, on the paths of the
 * kind registry (kubeKinds.ts). Reads for lists come from the watch-fed cache instead. Answers
 * are the API server's JSON as is; every error is a {@link KubeApiError}.
 */
export class KubeClient {
  readonly kubeConfig: KubeConfig;

  constructor(kubeConfig: KubeConfig) {
    this.kubeConfig = kubeConfig;
  }

  /** Creates a ray.io object; with `dryRun` the server validates and defaults it without storing. */
  createRayObject<T extends KubeObject>(
    plural: RayPlural,
    namespace: string,
    body: T,
    dryRun = false,
  ): Promise<T> {
    return kubeRequest<T>(this.kubeConfig, {
      method: 'POST',
      path: collectionPath(rayKindOfPlural[plural], namespace),
      query: { fieldValidation: 'Strict', ...(dryRun ? { dryRun: 'All' } : {}) },
      body,
    });
  }

  getRayObject<T extends KubeObject>(
    plural: RayPlural,
    namespace: string,
    name: string,
  ): Promise<T> {
    return kubeRequest<T>(this.kubeConfig, {
      method: 'GET',
      path: objectPath(rayKindOfPlural[plural], namespace, name),
    });
  }

  /** JSON-patches a ray.io object (use `test` operations to guard against races). */
  jsonPatchRayObject<T extends KubeObject>(
    plural: RayPlural,
    namespace: string,
    name: string,
    operations: object[],
  ): Promise<T> {
    return kubeRequest<T>(this.kubeConfig, {
      method: 'PATCH',
      path: objectPath(rayKindOfPlural[plural], namespace, name),
      body: operations,
      contentType: 'application/json-patch+json',
    });
  }

  /** Merge-patches a ray.io object. */
  mergePatchRayObject<T extends KubeObject>(
    plural: RayPlural,
    namespace: string,
    name: string,
    patch: object,
  ): Promise<T> {
    return kubeRequest<T>(this.kubeConfig, {
      method: 'PATCH',
      path: objectPath(rayKindOfPlural[plural], namespace, name),
      body: patch,
      contentType: 'application/merge-patch+json',
    });
  }

  /** Deletes a ray.io object; its pods and services go in the background (garbage collection). */
  deleteRayObject(plural: RayPlural, namespace: string, name: string): Promise<unknown> {
    return kubeRequest(this.kubeConfig, {
      method: 'DELETE',
      path: objectPath(rayKindOfPlural[plural], namespace, name),
      body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' },
    });
  }

  createConfigMap(namespace: string, body: ConfigMapObject): Promise<ConfigMapObject> {
    return this.write('ConfigMap', 'POST', collectionPath('ConfigMap', namespace), body);
  }

  /** Replaces a ConfigMap; a `metadata.resourceVersion` makes a concurrent change a 409. */
  replaceConfigMap(
    namespace: string,
    name: string,
    body: ConfigMapObject,
  ): Promise<ConfigMapObject> {
    return this.write('ConfigMap', 'PUT', objectPath('ConfigMap', namespace, name), body);
  }

  deleteConfigMap(namespace: string, name: string): Promise<unknown> {
    return kubeRequest(this.kubeConfig, {
      method: 'DELETE',
      path: objectPath('ConfigMap', namespace, name),
    });
  }

  createResourceQuota(
    namespace: string,
    body: ResourceQuotaResource,
  ): Promise<ResourceQuotaResource> {
    return this.write('ResourceQuota', 'POST', collectionPath('ResourceQuota', namespace), body);
  }

  /** Replaces a ResourceQuota; a `metadata.resourceVersion` makes a concurrent change a 409. */
  replaceResourceQuota(
    namespace: string,
    name: string,
    body: ResourceQuotaResource,
  ): Promise<ResourceQuotaResource> {
    return this.write('ResourceQuota', 'PUT', objectPath('ResourceQuota', namespace, name), body);
  }

  /** Whether a PersistentVolumeClaim exists (volumes may only use existing claims). */
  async hasPersistentVolumeClaim(namespace: string, name: string): Promise<boolean> {
    try {
      await kubeRequest(this.kubeConfig, {
        method: 'GET',
        path: objectPath('PersistentVolumeClaim', namespace, name),
      });
      return true;
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404) return false;
      throw error;
    }
  }

  /** Creates a namespace if it does not exist (teams map to namespaces). */
  async ensureNamespace(name: string): Promise<void> {
    try {
      await this.write('Namespace', 'POST', collectionPath('Namespace'), {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name },
      });
    } catch (error) {
      if (!(error instanceof KubeApiError && error.status === 409)) throw error;
    }
  }

  private write<K extends KubeKind>(
    _kind: K,
    method: 'POST' | 'PUT',
    path: string,
    body: KubeKindTypes[K],
  ): Promise<KubeKindTypes[K]> {
    return kubeRequest<KubeKindTypes[K]>(this.kubeConfig, { method, path, body });
  }
}
