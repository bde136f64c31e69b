import { foregroundDeletionFinalizer, type ObjectApi, orphanFinalizer } from './objectApi.ts';
import { metaOf } from './objectMetaHelpers.ts';
import { objectKey, type StoreEvent } from './objectStore.ts';
import type { KubeObject, ResourceType } from './resourceType.ts';
import { StatusError } from './statusError.ts';

interface Located {
  storageKey: string;
  key: string;
}

/**
 * Kubernetes' garbage collector and namespace controller, over the store's change feed:
 * - dependents whose owners (by `ownerReferences[].uid`) are all gone are deleted (Background);
 * - an owner deleted with `propagationPolicy=Foreground` waits, marked, until its dependents are
 *   gone; with `Orphan`, its dependents lose the owner reference and stay;
 * - a deleted namespace turns `Terminating`, its content is deleted, then it goes.
 * Work runs on the next tick, as the real controllers run after the API call returns.
 * @see https://kubernetes.io/docs/concepts/architecture/garbage-collection/
 */
export class GarbageCollector {
  private readonly api: ObjectApi;
  private readonly byUid = new Map<string, Located>();
  private readonly dependentsOf = new Map<string, Set<string>>();
  private readonly pending = new Set<string>();
  private scheduled = false;

  constructor(api: ObjectApi) {
    this.api = api;
    for (const storageKey of api.store.storageKeys()) {
      for (const record of api.store.list(storageKey))
        this.index(storageKey, record.object, undefined);
    }
    api.store.subscribeAll((event) => this.observe(event));
  }

  private observe(event: StoreEvent): void {
    const meta = metaOf(event.record.object);
    if (event.type === 'DELETED') {
      this.unindex(event.record.object);
      if (meta.uid) this.enqueueDependents(meta.uid);
      // An owner waiting in foreground deletion re-checks whether dependents remain.
      for (const owner of meta.ownerReferences ?? []) this.enqueue(owner.uid);
      return;
    }
    this.index(event.storageKey, event.record.object, event.previous?.object);
    if (meta.deletionTimestamp && meta.uid) this.enqueue(meta.uid);
  }

  private index(storageKey: string, object: KubeObject, previous: KubeObject | undefined): void {
    const meta = metaOf(object);
    if (!meta.uid) return;
    this.byUid.set(meta.uid, { storageKey, key: objectKey(meta.namespace, meta.name ?? '') });
    if (previous) this.unlinkOwners(previous);
    for (const owner of meta.ownerReferences ?? []) {
      let set = this.dependentsOf.get(owner.uid);
      if (!set) {
        set = new Set();
        this.dependentsOf.set(owner.uid, set);
      }
      set.add(meta.uid);
      // A dependent created after its owner is gone is collected too.
      if (!this.byUid.has(owner.uid)) this.enqueue(meta.uid);
    }
  }

  private unindex(object: KubeObject): void {
    const meta = metaOf(object);
    if (!meta.uid) return;
    this.byUid.delete(meta.uid);
    this.unlinkOwners(object);
  }

  private unlinkOwners(object: KubeObject): void {
    const uid = metaOf(object).uid;
    if (!uid) return;
    for (const owner of metaOf(object).ownerReferences ?? [])
      this.dependentsOf.get(owner.uid)?.delete(uid);
  }

  private enqueueDependents(ownerUid: string): void {
    for (const dependent of this.dependentsOf.get(ownerUid) ?? []) this.enqueue(dependent);
    this.enqueue(ownerUid);
  }

  private enqueue(uid: string): void {
    this.pending.add(uid);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  /** Processes queued objects until nothing changes; exposed for tests that step time. */
  drain(): void {
    this.scheduled = false;
    const batch = [...this.pending];
    this.pending.clear();
    for (const uid of batch) {
      try {
        this.process(uid);
      } catch (error) {
        // Conflicts and NotFound mean someone else acted first; the next change requeues.
        if (!(error instanceof StatusError)) throw error;
      }
    }
  }

  private locate(uid: string): { type: ResourceType; object: KubeObject } | undefined {
    const located = this.byUid.get(uid);
    if (!located) return undefined;
    const record = this.api.store.get(located.storageKey, located.key);
    if (!record) return undefined;
    const type = this.api.registry.storageType(located.storageKey);
    return type && { type, object: record.object };
  }

  private process(uid: string): void {
    const found = this.locate(uid);
    if (!found) return;
    const { type, object } = found;
    const meta = metaOf(object);
    const liveDependents = [...(this.dependentsOf.get(uid) ?? [])].filter((dependent) =>
      this.byUid.has(dependent),
    );

    if (meta.deletionTimestamp) {
      const finalizers = meta.finalizers ?? [];
      if (type.kind === 'Namespace' && !type.group) return this.finishNamespace(type, object);
      if (finalizers.includes(orphanFinalizer)) {
        for (const dependent of liveDependents) this.removeOwnerReference(dependent, uid);
        return this.removeFinalizer(type, object, orphanFinalizer);
      }
      if (finalizers.includes(foregroundDeletionFinalizer)) {
        if (liveDependents.length === 0)
          return this.removeFinalizer(type, object, foregroundDeletionFinalizer);
        for (const dependent of liveDependents) this.deleteObject(dependent, 'Foreground');
        return;
      }
    }

    // Background collection: delete this object when every owner it names is gone.
    const owners = meta.ownerReferences ?? [];
    if (owners.length === 0) return;
    const liveOwners = owners.filter((owner) => {
      const ownerFound = this.locate(owner.uid);
      return ownerFound && !metaOf(ownerFound.object).finalizers?.includes(orphanFinalizer);
    });
    if (liveOwners.length === owners.length) {
      const deletingForeground = owners.some((owner) => {
        const ownerFound = this.locate(owner.uid);
        return (
          ownerFound &&
          metaOf(ownerFound.object).finalizers?.includes(foregroundDeletionFinalizer) &&
          metaOf(ownerFound.object).deletionTimestamp
        );
      });
      if (deletingForeground && !meta.deletionTimestamp) this.deleteObject(uid, 'Foreground');
      return;
    }
    if (liveOwners.length === 0) {
      if (!meta.deletionTimestamp) this.deleteObject(uid, 'Background');
      return;
    }
    this.api.patch(type, meta.namespace, meta.name ?? '', 'merge', {
      metadata: { ownerReferences: liveOwners },
    });
  }

  private deleteObject(uid: string, propagationPolicy: 'Background' | 'Foreground'): void {
    const found = this.locate(uid);
    if (!found) return;
    const meta = metaOf(found.object);
    this.api.delete(found.type, meta.namespace, meta.name ?? '', { propagationPolicy });
  }

  private removeOwnerReference(dependentUid: string, ownerUid: string): void {
    const found = this.locate(dependentUid);
    if (!found) return;
    const meta = metaOf(found.object);
    const remaining = (meta.ownerReferences ?? []).filter((owner) => owner.uid !== ownerUid);
    this.api.patch(found.type, meta.namespace, meta.name ?? '', 'merge', {
      metadata: { ownerReferences: remaining.length > 0 ? remaining : null },
    });
  }

  private removeFinalizer(type: ResourceType, object: KubeObject, finalizer: string): void {
    const meta = metaOf(object);
    const remaining = (meta.finalizers ?? []).filter((candidate) => candidate !== finalizer);
    this.api.patch(type, meta.namespace, meta.name ?? '', 'merge', {
      metadata: { finalizers: remaining.length > 0 ? remaining : null },
    });
  }

  /** Deletes everything in a terminating namespace, then lets the namespace go. */
  private finishNamespace(type: ResourceType, namespace: KubeObject): void {
    const name = metaOf(namespace).name ?? '';
    if ((namespace['status'] as { phase?: string } | undefined)?.phase !== 'Terminating') {
      this.api.update(
        type,
        undefined,
        name,
        { ...namespace, status: { phase: 'Terminating' } },
        { subresource: 'status' },
      );
    }
    let remaining = 0;
    for (const contentType of this.api.registry.all()) {
      if (!contentType.namespaced || contentType.converter || contentType.review) continue;
      for (const record of this.api.store.list(contentType.storageKey, name)) {
        remaining++;
        const meta = metaOf(record.object);
        if (!meta.deletionTimestamp) this.api.delete(contentType, name, meta.name ?? '', {});
      }
    }
    if (remaining === 0) this.api.finishDeletion(type, undefined, name);
    else setTimeout(() => this.enqueue(metaOf(namespace).uid ?? ''), 50).unref();
  }
}
