import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  PatchStrategy,
  setHeaderOptions,
  type V1ConfigMap,
} from '@kubernetes/client-node';

import { kubeCall } from './k8sErrors.ts';

const ray = { group: 'ray.io', version: 'v1' } as const;

/** A ConfigMap as the Kubernetes client reads and writes it. */
export type ConfigMapObject = V1ConfigMap;

/**
 * The writes and point reads Raydeck's services make against Kubernetes. Reads for lists come
 * from the watch-fed cache instead. Every error is a KubeApiError.
 */
export class KubeClient {
  private readonly core: CoreV1Api;
  private readonly custom: CustomObjectsApi;
  readonly kubeConfig: KubeConfig;

  constructor(kubeConfig: KubeConfig) {
    this.kubeConfig = kubeConfig;
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  /** Creates a ray.io object; with `dryRun` the server validates and defaults it without storing. */
  createRayObject<T extends KubernetesObject>(
    plural: string,
    namespace: string,
    body: T,
    dryRun = false,
  ): Promise<T> {
    return kubeCall(
      () =>
        this.custom.createNamespacedCustomObject({
          ...ray,
          plural,
          namespace,
          body,
          ...(dryRun ? { dryRun: 'All' } : {}),
          fieldValidation: 'Strict',
        }) as Promise<T>,
    );
  }

  getRayObject<T extends KubernetesObject>(
    plural: string,
    namespace: string,
    name: string,
  ): Promise<T> {
    return kubeCall(
      () =>
        this.custom.getNamespacedCustomObject({ ...ray, plural, namespace, name }) as Promise<T>,
    );
  }

  /** JSON-patches a ray.io object (use `test` operations to guard against races). */
  jsonPatchRayObject<T extends KubernetesObject>(
    plural: string,
    namespace: string,
    name: string,
    operations: object[],
  ): Promise<T> {
    return kubeCall(
      () =>
        this.custom.patchNamespacedCustomObject(
          { ...ray, plural, namespace, name, body: operations },
          setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
        ) as Promise<T>,
    );
  }

  /** Merge-patches a ray.io object. */
  mergePatchRayObject<T extends KubernetesObject>(
    plural: string,
    namespace: string,
    name: string,
    patch: object,
  ): Promise<T> {
    return kubeCall(
      () =>
        this.custom.patchNamespacedCustomObject(
          { ...ray, plural, namespace, name, body: patch },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        ) as Promise<T>,
    );
  }

  deleteRayObject(plural: string, namespace: string, name: string): Promise<unknown> {
    return kubeCall(() =>
      this.custom.deleteNamespacedCustomObject({
        ...ray,
        plural,
        namespace,
        name,
        propagationPolicy: 'Background',
      }),
    );
  }

  createConfigMap(namespace: string, body: V1ConfigMap): Promise<V1ConfigMap> {
    return kubeCall(() => this.core.createNamespacedConfigMap({ namespace, body }));
  }

  replaceConfigMap(namespace: string, name: string, body: V1ConfigMap): Promise<V1ConfigMap> {
    return kubeCall(() => this.core.replaceNamespacedConfigMap({ namespace, name, body }));
  }

  deleteConfigMap(namespace: string, name: string): Promise<unknown> {
    return kubeCall(() => this.core.deleteNamespacedConfigMap({ namespace, name }));
  }

  /** Whether a PersistentVolumeClaim exists (volumes may only use existing claims). */
  async hasPersistentVolumeClaim(namespace: string, name: string): Promise<boolean> {
    try {
      await kubeCall(() => this.core.readNamespacedPersistentVolumeClaim({ namespace, name }));
      return true;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return false;
      throw error;
    }
  }

  /** Creates a namespace if it does not exist (teams map to namespaces). */
  async ensureNamespace(name: string): Promise<void> {
    try {
      await kubeCall(() => this.core.createNamespace({ body: { metadata: { name } } }));
    } catch (error) {
      if ((error as { status?: number }).status !== 409) throw error;
    }
  }
}
