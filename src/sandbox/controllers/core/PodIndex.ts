import type { ObjectApi } from '../../apiserver/objectApi.ts';
import type { StoreEvent } from '../../apiserver/objectStore.ts';
import type { KubeObject } from '../../apiserver/resourceType.ts';

/** One change of a pod, after the index has taken it in. */
export interface PodChange {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** The new state, or the last state for DELETED. */
  pod: KubeObject;
  previous: KubeObject | undefined;
}

/** `namespace/name` of an object. */
export function keyOf(object: KubeObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

/** The uid of the object's controlling owner (`ownerReferences[].controller: true`). */
export function controllerUidOf(object: KubeObject): string | undefined {
  return object.metadata?.ownerReferences?.find((owner) => owner.controller)?.uid;
}

function nodeNameOf(pod: KubeObject): string | undefined {
  return (pod['spec'] as { nodeName?: string } | undefined)?.nodeName || undefined;
}

function labelKey(namespace: string, key: string, value: string): string {
  return `${namespace}\u0000${key}\u0000${value}`;
}

function addTo(map: Map<string, Set<string>>, key: string, member: string): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(member);
}

function removeFrom(map: Map<string, Set<string>>, key: string, member: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(member);
  if (set.size === 0) map.delete(key);
}

/**
 * The pod informer every core controller shares: one subscription to the pod bucket, with
 * indexes by controlling owner, by node and by label, kept incrementally so that no controller
 * rescans all pods on an event. Listeners run synchronously inside the store's change event
 * and must only queue work, never write.
 */
export class PodIndex {
  private readonly pods = new Map<string, KubeObject>();
  private readonly byOwner = new Map<string, Set<string>>();
  private readonly byNode = new Map<string, Set<string>>();
  private readonly byLabel = new Map<string, Set<string>>();
  private readonly listeners = new Set<(change: PodChange) => void>();
  private readonly unsubscribe: () => void;

  constructor(api: ObjectApi) {
    for (const record of api.store.list('/pods')) this.index(record.object);
    this.unsubscribe = api.store.subscribe('/pods', (event) => this.observe(event));
  }

  /** Calls `listener` for every later pod change; returns the function that removes it. */
  onChange(listener: (change: PodChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops following the store. */
  stop(): void {
    this.unsubscribe();
    this.listeners.clear();
  }

  /** The latest state of a pod by `namespace/name`. */
  get(key: string): KubeObject | undefined {
    return this.pods.get(key);
  }

  /** Every pod (for start-up passes only; events should use the indexes). */
  all(): IterableIterator<KubeObject> {
    return this.pods.values();
  }

  /** Pods whose controlling owner has this uid. */
  ownedBy(uid: string): KubeObject[] {
    return this.resolve(this.byOwner.get(uid));
  }

  /** Pods bound to a node. */
  onNode(nodeName: string): KubeObject[] {
    return this.resolve(this.byNode.get(nodeName));
  }

  /**
   * Pods of a namespace carrying every label of `selector` (a Service selector). Starts from
   * the rarest of its labels, so `ray.io/cluster=x` narrows a namespace of thousands to a few.
   */
  matching(namespace: string, selector: Readonly<Record<string, string>>): KubeObject[] {
    const entries = Object.entries(selector);
    let smallest: Set<string> | undefined;
    for (const [key, value] of entries) {
      const set = this.byLabel.get(labelKey(namespace, key, value));
      if (!set) return [];
      if (!smallest || set.size < smallest.size) smallest = set;
    }
    if (!smallest) return [];
    return this.resolve(smallest).filter((pod) => {
      const labels = pod.metadata?.labels ?? {};
      return entries.every(([key, value]) => labels[key] === value);
    });
  }

  private resolve(keys: Set<string> | undefined): KubeObject[] {
    const result: KubeObject[] = [];
    for (const key of keys ?? []) {
      const pod = this.pods.get(key);
      if (pod) result.push(pod);
    }
    return result;
  }

  private observe(event: StoreEvent): void {
    const pod = event.record.object;
    const previous = event.previous?.object;
    if (event.type === 'MODIFIED' && previous) {
      // Most writes are status writes: update only the indexes whose inputs changed.
      const key = keyOf(pod);
      this.pods.set(key, pod);
      if (previous.metadata?.labels !== pod.metadata?.labels) {
        this.unindexLabels(key, previous);
        this.indexLabels(key, pod);
      }
      const ownerBefore = controllerUidOf(previous);
      const ownerAfter = controllerUidOf(pod);
      if (ownerBefore !== ownerAfter) {
        if (ownerBefore) removeFrom(this.byOwner, ownerBefore, key);
        if (ownerAfter) addTo(this.byOwner, ownerAfter, key);
      }
      const nodeBefore = nodeNameOf(previous);
      const nodeAfter = nodeNameOf(pod);
      if (nodeBefore !== nodeAfter) {
        if (nodeBefore) removeFrom(this.byNode, nodeBefore, key);
        if (nodeAfter) addTo(this.byNode, nodeAfter, key);
      }
    } else {
      if (previous) this.unindex(previous);
      if (event.type !== 'DELETED') this.index(pod);
    }
    const change: PodChange = { type: event.type, pod, previous };
    for (const listener of this.listeners) listener(change);
  }

  private indexLabels(key: string, pod: KubeObject): void {
    const namespace = pod.metadata?.namespace ?? '';
    for (const [label, value] of Object.entries(pod.metadata?.labels ?? {})) {
      addTo(this.byLabel, labelKey(namespace, label, value), key);
    }
  }

  private unindexLabels(key: string, pod: KubeObject): void {
    const namespace = pod.metadata?.namespace ?? '';
    for (const [label, value] of Object.entries(pod.metadata?.labels ?? {})) {
      removeFrom(this.byLabel, labelKey(namespace, label, value), key);
    }
  }

  private index(pod: KubeObject): void {
    const key = keyOf(pod);
    this.pods.set(key, pod);
    const owner = controllerUidOf(pod);
    if (owner) addTo(this.byOwner, owner, key);
    const node = nodeNameOf(pod);
    if (node) addTo(this.byNode, node, key);
    this.indexLabels(key, pod);
  }

  private unindex(pod: KubeObject): void {
    const key = keyOf(pod);
    this.pods.delete(key);
    const owner = controllerUidOf(pod);
    if (owner) removeFrom(this.byOwner, owner, key);
    const node = nodeNameOf(pod);
    if (node) removeFrom(this.byNode, node, key);
    this.unindexLabels(key, pod);
  }
}
