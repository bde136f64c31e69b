import type { KubeConfig } from '@kubernetes/client-node';

import type { PodResource } from '../../shared/k8s/kubeTypes.ts';
import {
  type CachedKind,
  cachedKinds,
  collectionPath,
  kindSpec,
  type KubeKindTypes,
  type KubeObject,
} from './kubeKinds.ts';
import { kubeRequest } from './kubeRequest.ts';
import { type InformerObserver, type ListResponse, ResourceInformer } from './ResourceInformer.ts';

export { type CachedKind, templateLabelSelector } from './kubeKinds.ts';

/** Any object in the cache: apiVersion, kind and metadata, the rest by kind. */
export type CachedObject = KubeObject;

/**
 * One change of the cache, typed by kind, fanned out to services and the SSE stream: a union
 * discriminated by `kind`. `CacheChange<K>` is the change of kind `K`; mapped over `K` itself so
 * that, for a generic `K`, it is simply that change (no cast to build one).
 */
export type CacheChange<K extends CachedKind = CachedKind> = {
  [P in K]: {
    kind: P;
    type: 'upsert' | 'delete';
    object: KubeKindTypes[P];
    previous: KubeKindTypes[P] | undefined;
  };
}[K];

/** Options for {@link KubeCache}. */
export interface KubeCacheOptions {
  kubeConfig: KubeConfig;
  /** Namespaces to watch; undefined watches all namespaces. */
  namespaces?: readonly string[];
  observer?: InformerObserver;
  /**
   * The cached kinds to start informers for; default all of them. Through a KubeRay APIServer
   * v2 only `kubeRayApiServerCachedKinds` are reachable: the others read as empty and are left
   * out of {@link KubeCache.status} (so `/readyz` does not wait for them).
   */
  kinds?: readonly CachedKind[];
  /** Passed to every informer (tests shorten the backoff). */
  informerOptions?: { initialBackoffMs?: number; maxBackoffMs?: number; staleAfterMs?: number };
}

type InformersByKind = { [K in CachedKind]: ResourceInformer<KubeKindTypes[K]>[] };

/**
 * What the cache does with every informer alike, whatever its kind (a `ResourceInformer<T>` is
 * not a `ResourceInformer<KubeObject>`: its transform takes only `T`).
 */
type AnyInformer = Pick<
  ResourceInformer<KubeObject>,
  'name' | 'synced' | 'idleMs' | 'size' | 'lastError' | 'start' | 'stop' | 'waitForSync' | 'on'
>;

/**
 * Raydeck's watch-fed view of the cluster: one supervised informer per cached kind of the
 * registry (kubeKinds.ts), and per namespace when a namespace list is configured. Lists are
 * served from here, never by a LIST per page view; every change is also published to
 * subscribers (services, the SSE stream).
 */
export class KubeCache {
  private readonly informers: InformersByKind;
  private readonly subscribers = new Set<(change: CacheChange) => void>();
  private readonly podsByCluster = new Map<string, Map<string, PodResource>>();
  private readonly servedKinds: ReadonlySet<CachedKind>;

  constructor(options: KubeCacheOptions) {
    const publish = (change: CacheChange) => this.publish(change);
    const of = <K extends CachedKind>(kind: K, publishChange: (change: CacheChange<K>) => void) =>
      !options.kinds || options.kinds.includes(kind)
        ? this.informersOf(kind, options, publishChange)
        : [];
    // Spelled out, one kind at a time, so the compiler checks that every cached kind has its
    // informers and that each one's changes are of its kind.
    this.informers = {
      RayCluster: of('RayCluster', publish),
      RayJob: of('RayJob', publish),
      RayService: of('RayService', publish),
      Pod: of('Pod', publish),
      Node: of('Node', publish),
      Event: of('Event', publish),
      ConfigMap: of('ConfigMap', publish),
      ResourceQuota: of('ResourceQuota', publish),
    };
    this.servedKinds = new Set(options.kinds ?? cachedKinds);
  }

  /** Whether `kind` is cached at all (false for kinds the connection cannot reach). */
  serves(kind: CachedKind): boolean {
    return this.servedKinds.has(kind);
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

  /**
   * Resolves once every informer has listed once, however long that takes (a first list of a
   * large fleet may outlast {@link waitForSync}'s timeout; this never rejects).
   */
  whenSynced(): Promise<void> {
    return Promise.all(
      this.allInformers().map(
        (informer) =>
          new Promise<void>((resolve) => {
            if (informer.synced) return resolve();
            const off = informer.on('synced', () => {
              off();
              resolve();
            });
          }),
      ),
    ).then(() => undefined);
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

  /** Objects held per served kind, e.g. `{ RayCluster: 10000, Pod: 40000, … }` (the startup log line). */
  counts(): Partial<Record<CachedKind, number>> {
    const counts: Partial<Record<CachedKind, number>> = {};
    for (const kind of this.servedKinds) {
      counts[kind] = this.informersOfKind(kind).reduce((sum, informer) => sum + informer.size, 0);
    }
    return counts;
  }

  get synced(): boolean {
    return this.allInformers().every((informer) => informer.synced);
  }

  list<K extends CachedKind>(kind: K): KubeKindTypes[K][] {
    return this.informersOfKind(kind).flatMap((informer) => informer.list());
  }

  get<K extends CachedKind>(
    kind: K,
    namespace: string | undefined,
    name: string,
  ): KubeKindTypes[K] | undefined {
    for (const informer of this.informersOfKind(kind)) {
      const found = informer.get(namespace, name);
      if (found) return found;
    }
    return undefined;
  }

  /** Ray pods of one cluster, from an index kept up to date by the pod informer. */
  podsOfCluster(namespace: string, cluster: string): PodResource[] {
    return [...(this.podsByCluster.get(`${namespace}/${cluster}`)?.values() ?? [])];
  }

  /** Subscribes to every change; returns the unsubscribe function. */
  subscribe(listener: (change: CacheChange) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  private informersOfKind<K extends CachedKind>(kind: K): ResourceInformer<KubeKindTypes[K]>[] {
    return this.informers[kind];
  }

  /** The informers of one kind: cluster-wide, or one per configured namespace. */
  private informersOf<K extends CachedKind>(
    kind: K,
    options: KubeCacheOptions,
    publish: (change: CacheChange<K>) => void,
  ): ResourceInformer<KubeKindTypes[K]>[] {
    const spec = kindSpec(kind);
    const { labelSelector, transform } = spec.informer ?? {};
    const scopes = spec.namespaced && options.namespaces ? [...options.namespaces] : [undefined];
    return scopes.map((namespace) => {
      const path = collectionPath(kind, namespace);
      const informer = new ResourceInformer<KubeKindTypes[K]>({
        name: namespace ? `${spec.plural}/${namespace}` : spec.plural,
        kubeConfig: options.kubeConfig,
        watchPath: path,
        list: (page) =>
          kubeRequest<ListResponse<KubeKindTypes[K]>>(options.kubeConfig, {
            method: 'GET',
            path,
            query: { labelSelector, limit: page.limit, continue: page._continue },
          }),
        ...(labelSelector ? { labelSelector } : {}),
        ...(transform ? { transform } : {}),
        ...(options.observer ? { observer: options.observer } : {}),
        ...options.informerOptions,
      });
      informer.on('upsert', (object, previous) =>
        publish({ kind, type: 'upsert', object, previous }),
      );
      informer.on('delete', (object) =>
        publish({ kind, type: 'delete', object, previous: object }),
      );
      return informer;
    });
  }

  private publish(change: CacheChange): void {
    if (change.kind === 'Pod') this.indexPod(change);
    for (const listener of this.subscribers) listener(change);
  }

  private indexPod(change: Extract<CacheChange, { kind: 'Pod' }>): void {
    const clusterOf = (pod: PodResource | undefined) => {
      const cluster = pod?.metadata.labels?.['ray.io/cluster'];
      return cluster ? `${pod?.metadata.namespace ?? ''}/${cluster}` : undefined;
    };
    const podKey = change.object.metadata.uid ?? change.object.metadata.name ?? '';
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

  private allInformers(): AnyInformer[] {
    return cachedKinds.flatMap((kind): AnyInformer[] => this.informersOfKind(kind));
  }
}
