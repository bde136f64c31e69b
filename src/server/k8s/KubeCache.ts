import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';

import {
  type InformerObserver,
  type ListPageQuery,
  type ListResponse,
  ResourceInformer,
} from './ResourceInformer.ts';
import { slimPod, slimRayCluster } from './slimObjects.ts';

/** Any object in the cache: apiVersion, kind and metadata, the rest by kind. */
export type CachedObject = KubernetesObject;

/** The kinds Raydeck keeps in its watch-fed cache. */
export type CachedKind =
  'RayCluster' | 'RayJob' | 'RayService' | 'Pod' | 'Node' | 'Event' | 'ConfigMap' | 'ResourceQuota';

/** One change of the cache, fanned out to services and the SSE stream. */
export interface CacheChange {
  kind: CachedKind;
  type: 'upsert' | 'delete';
  object: KubernetesObject;
  previous: KubernetesObject | undefined;
}

/** Label of the ConfigMaps holding compute templates (KubeRay APIServer layout). */
export const templateLabelSelector = 'ray.io/config-type=compute-template';

interface KindSpec {
  kind: CachedKind;
  namespaced: boolean;
  /** Collection path without the namespace part, e.g. `/apis/ray.io/v1/rayclusters`. */
  path: (namespace?: string) => string;
  list: (
    namespace: string | undefined,
    page: ListPageQuery,
  ) => Promise<ListResponse<KubernetesObject>>;
  labelSelector?: string;
  transform?: (object: KubernetesObject) => KubernetesObject;
}

/** Options for {@link KubeCache}. */
export interface KubeCacheOptions {
  kubeConfig: KubeConfig;
  /** Namespaces to watch; undefined watches all namespaces. */
  namespaces?: readonly string[];
  observer?: InformerObserver;
  /** Passed to every informer (tests shorten the backoff). */
  informerOptions?: { initialBackoffMs?: number; maxBackoffMs?: number; staleAfterMs?: number };
}

/**
 * Pods that are not Ray pods are kept only as far as GPU accounting needs (node, phase and
 * resource requests); Ray pods keep what status and explanations read (see slimObjects.ts), so
 * the cache stays small on a large fleet.
 */
export function slimNonRayPod(object: KubernetesObject): KubernetesObject {
  const labels = object.metadata?.labels ?? {};
  if (labels['ray.io/is-ray-node'] === 'yes') return slimPod(object);
  const pod = object as KubernetesObject & {
    spec?: { nodeName?: string; containers?: { name: string; resources?: unknown }[] };
    status?: { phase?: string };
  };
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: {
      name: object.metadata?.name,
      namespace: object.metadata?.namespace,
      uid: object.metadata?.uid,
      resourceVersion: object.metadata?.resourceVersion,
      labels,
    },
    spec: {
      nodeName: pod.spec?.nodeName,
      containers: (pod.spec?.containers ?? []).map((container) => ({
        name: container.name,
        resources: container.resources,
      })),
    },
    status: { phase: pod.status?.phase },
  } as KubernetesObject;
}

/**
 * Raydeck's watch-fed view of the cluster: one supervised informer per kind (and per namespace
 * when a namespace list is configured). Lists are served from here, never by a LIST per page
 * view; every change is also published to subscribers (services, the SSE stream).
 */
export class KubeCache {
  private readonly informers = new Map<CachedKind, ResourceInformer<KubernetesObject>[]>();
  private readonly subscribers = new Set<(change: CacheChange) => void>();
  private readonly podsByCluster = new Map<string, Map<string, KubernetesObject>>();

  constructor(options: KubeCacheOptions) {
    const core = options.kubeConfig.makeApiClient(CoreV1Api);
    const custom = options.kubeConfig.makeApiClient(CustomObjectsApi);
    const rayList = (plural: string) => (namespace: string | undefined, page: ListPageQuery) =>
      (namespace
        ? custom.listNamespacedCustomObject({
            group: 'ray.io',
            version: 'v1',
            namespace,
            plural,
            ...page,
          })
        : custom.listClusterCustomObject({
            group: 'ray.io',
            version: 'v1',
            plural,
            ...page,
          })) as Promise<ListResponse<KubernetesObject>>;
    const collection = (prefix: string, plural: string) => (namespace?: string) =>
      namespace ? `${prefix}/namespaces/${namespace}/${plural}` : `${prefix}/${plural}`;
    const specs: KindSpec[] = [
      {
        kind: 'RayCluster',
        namespaced: true,
        path: collection('/apis/ray.io/v1', 'rayclusters'),
        list: rayList('rayclusters'),
        transform: slimRayCluster,
      },
      {
        kind: 'RayJob',
        namespaced: true,
        path: collection('/apis/ray.io/v1', 'rayjobs'),
        list: rayList('rayjobs'),
      },
      {
        kind: 'RayService',
        namespaced: true,
        path: collection('/apis/ray.io/v1', 'rayservices'),
        list: rayList('rayservices'),
      },
      {
        kind: 'Pod',
        namespaced: true,
        path: collection('/api/v1', 'pods'),
        list: (namespace, page) =>
          (namespace
            ? core.listNamespacedPod({ namespace, ...page })
            : core.listPodForAllNamespaces(page)) as Promise<ListResponse<KubernetesObject>>,
        transform: slimNonRayPod,
      },
      {
        kind: 'Node',
        namespaced: false,
        path: () => '/api/v1/nodes',
        list: (_namespace, page) => core.listNode(page) as Promise<ListResponse<KubernetesObject>>,
      },
      {
        kind: 'Event',
        namespaced: true,
        path: collection('/api/v1', 'events'),
        list: (namespace, page) =>
          (namespace
            ? core.listNamespacedEvent({ namespace, ...page })
            : core.listEventForAllNamespaces(page)) as Promise<ListResponse<KubernetesObject>>,
      },
      {
        kind: 'ConfigMap',
        namespaced: true,
        path: collection('/api/v1', 'configmaps'),
        labelSelector: templateLabelSelector,
        list: (namespace, page) =>
          (namespace
            ? core.listNamespacedConfigMap({
                namespace,
                labelSelector: templateLabelSelector,
                ...page,
              })
            : core.listConfigMapForAllNamespaces({
                labelSelector: templateLabelSelector,
              })) as Promise<ListResponse<KubernetesObject>>,
      },
      {
        kind: 'ResourceQuota',
        namespaced: true,
        path: collection('/api/v1', 'resourcequotas'),
        list: (namespace, page) =>
          (namespace
            ? core.listNamespacedResourceQuota({ namespace, ...page })
            : core.listResourceQuotaForAllNamespaces(page)) as Promise<
            ListResponse<KubernetesObject>
          >,
      },
    ];
    for (const spec of specs) {
      const scopes = spec.namespaced && options.namespaces ? [...options.namespaces] : [undefined];
      const informers = scopes.map(
        (namespace) =>
          new ResourceInformer<KubernetesObject>({
            name: namespace
              ? `${spec.kind.toLowerCase()}s/${namespace}`
              : `${spec.kind.toLowerCase()}s`,
            kubeConfig: options.kubeConfig,
            watchPath: spec.path(namespace),
            list: (page) => spec.list(namespace, page),
            ...(spec.labelSelector ? { labelSelector: spec.labelSelector } : {}),
            ...(spec.transform ? { transform: spec.transform } : {}),
            ...(options.observer ? { observer: options.observer } : {}),
            ...options.informerOptions,
          }),
      );
      for (const informer of informers) {
        informer.on('upsert', (object, previous) =>
          this.publish({ kind: spec.kind, type: 'upsert', object, previous }),
        );
        informer.on('delete', (object) =>
          this.publish({ kind: spec.kind, type: 'delete', object, previous: object }),
        );
      }
      this.informers.set(spec.kind, informers);
    }
  }

  start(): void {
    for (const informer of this.allInformers()) informer.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.allInformers().map((informer) => informer.stop()));
  }

  /** Resolves once every informer has listed once. */
  async waitForSync(timeoutMs = 30_000): Promise<void> {
    await Promise.all(this.allInformers().map((informer) => informer.waitForSync(timeoutMs)));
  }

  /** Per-informer health for `/readyz` and the About page. */
  status(): {
    name: string;
    synced: boolean;
    idleMs: number;
    objects: number;
    lastError?: string;
  }[] {
    return this.allInformers().map((informer) => ({
      name: informer.name,
      synced: informer.synced,
      idleMs: informer.idleMs,
      objects: informer.size,
      ...(informer.lastError ? { lastError: informer.lastError } : {}),
    }));
  }

  get synced(): boolean {
    return this.allInformers().every((informer) => informer.synced);
  }

  list<T extends KubernetesObject = KubernetesObject>(kind: CachedKind): T[] {
    return (this.informers.get(kind) ?? []).flatMap((informer) => informer.list()) as T[];
  }

  get<T extends KubernetesObject = KubernetesObject>(
    kind: CachedKind,
    namespace: string | undefined,
    name: string,
  ): T | undefined {
    for (const informer of this.informers.get(kind) ?? []) {
      const found = informer.get(namespace, name);
      if (found) return found as T;
    }
    return undefined;
  }

  /** Ray pods of one cluster, from an index kept up to date by the pod informer. */
  podsOfCluster<T extends KubernetesObject = KubernetesObject>(
    namespace: string,
    cluster: string,
  ): T[] {
    return [...(this.podsByCluster.get(`${namespace}/${cluster}`)?.values() ?? [])] as T[];
  }

  /** Subscribes to every change; returns the unsubscribe function. */
  subscribe(listener: (change: CacheChange) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  private publish(change: CacheChange): void {
    if (change.kind === 'Pod') this.indexPod(change);
    for (const listener of this.subscribers) listener(change);
  }

  private indexPod(change: CacheChange): void {
    const clusterOf = (object: KubernetesObject | undefined) => {
      const cluster = object?.metadata?.labels?.['ray.io/cluster'];
      return cluster ? `${object?.metadata?.namespace ?? ''}/${cluster}` : undefined;
    };
    const podKey = change.object.metadata?.uid ?? change.object.metadata?.name ?? '';
    const before = clusterOf(change.previous);
    if (before) this.podsByCluster.get(before)?.delete(podKey);
    const after = change.type === 'upsert' ? clusterOf(change.object) : undefined;
    if (!after) return;
    let pods = this.podsByCluster.get(after);
    if (!pods) {
      pods = new Map();
      this.podsByCluster.set(after, pods);
    }
    pods.set(podKey, change.object);
  }

  private allInformers(): ResourceInformer<KubernetesObject>[] {
    return [...this.informers.values()].flat();
  }
}
