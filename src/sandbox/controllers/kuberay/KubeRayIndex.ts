import type { ObjectApi } from '../../apiserver/objectApi.ts';
import type { StoreEvent } from '../../apiserver/objectStore.ts';
import type { KubeObject } from '../../apiserver/resourceType.ts';
import { kubeRayConstants } from './kubeRayConstants.ts';
import type { Pod } from './RayCluster.ts';

const { labels: labelKeys } = kubeRayConstants;

const clusterStorageKey = 'ray.io/rayclusters';

function ownerKey(namespace: string | undefined, kind: string, name: string): string {
  return `${namespace ?? 'default'}/${kind}/${name}`;
}

function clusterOwnerKey(cluster: KubeObject): string | undefined {
  const labels = cluster.metadata?.labels;
  const kind = labels?.[labelKeys.originatedFromCrd];
  const name = labels?.[labelKeys.originatedFromCrName];
  return kind && name ? ownerKey(cluster.metadata?.namespace, kind, name) : undefined;
}

/** `namespace/name`. */
export function namespacedKey(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? 'default'}/${name ?? ''}`;
}

/** Splits `namespace/name`. */
export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

function addTo<V>(map: Map<string, Map<string, V>>, key: string, name: string, value: V): void {
  let inner = map.get(key);
  if (!inner) {
    inner = new Map();
    map.set(key, inner);
  }
  inner.set(name, value);
}

function removeFrom<V>(map: Map<string, Map<string, V>>, key: string, name: string): void {
  const inner = map.get(key);
  if (!inner) return;
  inner.delete(name);
  if (inner.size === 0) map.delete(key);
}

/**
 * The operator's informer caches, fed by the store's change feed: pods by RayCluster
 * (`ray.io/cluster`) and submitter pods by RayJob (`ray.io/originated-from-cr-name`), so a
 * reconcile reads only its own objects instead of listing everything. Objects are the stored
 * (immutable) records; nothing here writes.
 */
export class KubeRayIndex {
  private readonly podsByCluster = new Map<string, Map<string, Pod>>();
  private readonly podsByRayJob = new Map<string, Map<string, Pod>>();
  private readonly clustersByOwner = new Map<string, Map<string, KubeObject>>();
  private readonly unsubscribe: (() => void)[];

  constructor(api: ObjectApi) {
    for (const record of api.store.list('/pods')) this.indexPod(record.object as Pod, undefined);
    for (const record of api.store.list(clusterStorageKey))
      this.indexCluster(record.object, undefined);
    this.unsubscribe = [
      api.store.subscribe('/pods', (event) => this.observePod(event)),
      api.store.subscribe(clusterStorageKey, (event) => {
        if (event.type === 'DELETED') this.unindexCluster(event.record.object);
        else this.indexCluster(event.record.object, event.previous?.object);
      }),
    ];
  }

  /** Stops following the change feed. */
  stop(): void {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
  }

  /**
   * RayClusters labelled as originating from a RayJob or RayService (`ray.io/originated-from-crd`
   * and `-cr-name`), by name.
   */
  clustersOwnedBy(
    namespace: string,
    kind: 'RayJob' | 'RayService',
    ownerName: string,
  ): KubeObject[] {
    return [...(this.clustersByOwner.get(ownerKey(namespace, kind, ownerName))?.values() ?? [])];
  }

  private indexCluster(cluster: KubeObject, previous: KubeObject | undefined): void {
    if (previous) this.unindexCluster(previous);
    const key = clusterOwnerKey(cluster);
    if (key) addTo(this.clustersByOwner, key, cluster.metadata?.name ?? '', cluster);
  }

  private unindexCluster(cluster: KubeObject): void {
    const key = clusterOwnerKey(cluster);
    if (key) removeFrom(this.clustersByOwner, key, cluster.metadata?.name ?? '');
  }

  /** Pods labelled `ray.io/cluster=<name>` in `namespace`, sorted by name. */
  podsOfCluster(namespace: string, name: string): Pod[] {
    const pods = this.podsByCluster.get(namespacedKey(namespace, name));
    if (!pods) return [];
    return [...pods.values()].sort((left, right) =>
      (left.metadata.name ?? '') < (right.metadata.name ?? '') ? -1 : 1,
    );
  }

  /** Submitter pods of a RayJob's Kubernetes Job. */
  submitterPodsOf(namespace: string, rayJobName: string): Pod[] {
    return [...(this.podsByRayJob.get(namespacedKey(namespace, rayJobName))?.values() ?? [])];
  }

  /** The RayCluster key (`namespace/cluster`) of a Ray pod, if it is one. */
  static clusterKeyOf(pod: KubeObject): string | undefined {
    const cluster = pod.metadata?.labels?.[labelKeys.cluster];
    return cluster ? namespacedKey(pod.metadata?.namespace, cluster) : undefined;
  }

  /** The RayJob key of a submitter pod, if it is one. */
  static rayJobKeyOf(pod: KubeObject): string | undefined {
    const labels = pod.metadata?.labels;
    if (labels?.[labelKeys.originatedFromCrd] !== 'RayJob') return undefined;
    if (labels[labelKeys.cluster]) return undefined;
    const name = labels[labelKeys.originatedFromCrName];
    return name ? namespacedKey(pod.metadata?.namespace, name) : undefined;
  }

  private observePod(event: StoreEvent): void {
    const pod = event.record.object as Pod;
    if (event.type === 'DELETED') {
      this.unindexPod(pod);
      return;
    }
    this.indexPod(pod, event.previous?.object as Pod | undefined);
  }

  private indexPod(pod: Pod, previous: Pod | undefined): void {
    if (previous) {
      const previousCluster = KubeRayIndex.clusterKeyOf(previous);
      if (previousCluster && previousCluster !== KubeRayIndex.clusterKeyOf(pod)) {
        removeFrom(this.podsByCluster, previousCluster, previous.metadata.name ?? '');
      }
    }
    const name = pod.metadata.name ?? '';
    const cluster = KubeRayIndex.clusterKeyOf(pod);
    if (cluster) addTo(this.podsByCluster, cluster, name, pod);
    const rayJob = KubeRayIndex.rayJobKeyOf(pod);
    if (rayJob) addTo(this.podsByRayJob, rayJob, name, pod);
  }

  private unindexPod(pod: Pod): void {
    const name = pod.metadata.name ?? '';
    const cluster = KubeRayIndex.clusterKeyOf(pod);
    if (cluster) removeFrom(this.podsByCluster, cluster, name);
    const rayJob = KubeRayIndex.rayJobKeyOf(pod);
    if (rayJob) removeFrom(this.podsByRayJob, rayJob, name);
  }
}
