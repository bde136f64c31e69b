import type {
  ClusterList,
  ClusterListQuery,
  ClusterSortColumn,
  ClusterSummary,
} from '../../shared/api/clusterSchemas.ts';
import type { PodResource } from '../../shared/k8s/kubeTypes.ts';
import { clusterGpuDemand } from '../../shared/ray/clusterGpuDemand.ts';
import { clusterPhases } from '../../shared/ray/clusterPhase.ts';
import { deriveClusterPhase } from '../../shared/ray/deriveClusterPhase.ts';
import { type RayClusterResource, RayLabel } from '../../shared/ray/rayTypes.ts';
import type { CacheChange, KubeCache } from '../k8s/KubeCache.ts';
import { RaydeckLabel, raydeckManager } from './raydeckLabels.ts';

/** Which namespaces a caller may see: every namespace, or a set. */
export type NamespaceScope = '*' | ReadonlySet<string>;

/** A summary that changed, for the live stream. */
export interface SummaryChange {
  type: 'upsert' | 'delete';
  summary: ClusterSummary;
}

/**
 * Builds the list row of a RayCluster from the CR and its pods. Pure apart from its inputs.
 * `pods` undefined (unreadable: through a KubeRay APIServer) judges by the CR's conditions and
 * status counts alone.
 */
export function summarizeCluster(
  cluster: RayClusterResource,
  pods: readonly PodResource[] | undefined,
): ClusterSummary {
  const { phase, reason } = deriveClusterPhase(cluster, pods);
  if (!pods) return summaryRow(cluster, phase, reason, cluster.status?.readyWorkerReplicas ?? 0);
  const workers = pods.filter(
    (pod) =>
      pod.metadata.labels?.[RayLabel.nodeType] === 'worker' && !pod.metadata.deletionTimestamp,
  );
  const readyWorkers = workers.filter((pod) =>
    (pod.status?.conditions ?? []).some(
      (condition) => condition.type === 'Ready' && condition.status === 'True',
    ),
  ).length;
  return summaryRow(cluster, phase, reason, readyWorkers);
}

/** The row of {@link summarizeCluster}, given the phase and the count of ready workers. */
function summaryRow(
  cluster: RayClusterResource,
  phase: ClusterSummary['phase'],
  reason: string,
  readyWorkers: number,
): ClusterSummary {
  const meta = cluster.metadata;
  const labels = meta.labels ?? {};
  const desired =
    cluster.status?.desiredWorkerReplicas ??
    (cluster.spec.workerGroupSpecs ?? []).reduce(
      (sum, group) =>
        sum +
        Math.min(
          Math.max(group.replicas ?? 0, group.minReplicas ?? 0),
          group.maxReplicas ?? Number.MAX_SAFE_INTEGER,
        ) *
          (group.numOfHosts ?? 1),
      0,
    );
  const demand = clusterGpuDemand(cluster);
  const products = [...new Set(demand.byProduct.flatMap((entry) => entry.products))];
  const exposure = cluster.spec.headGroupSpec.enableIngress
    ? 'Ingress'
    : cluster.spec.headGroupSpec.serviceType;
  return {
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    origin: labels[RaydeckLabel.managedBy] === raydeckManager ? 'raydeck' : 'external',
    ...(labels[RaydeckLabel.owner] ? { owner: labels[RaydeckLabel.owner] } : {}),
    ...(labels[RaydeckLabel.template] ? { template: labels[RaydeckLabel.template] } : {}),
    phase,
    reason,
    workers: { ready: readyWorkers, desired },
    gpus: { count: demand.total, products },
    ...(cluster.spec.rayVersion ? { rayVersion: cluster.spec.rayVersion } : {}),
    ...(exposure ? { exposure } : {}),
    createdAt: meta.creationTimestamp ?? '',
    resourceVersion: meta.resourceVersion ?? '',
  };
}

function keyOf(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/**
 * Cluster list rows kept current from the watch-fed cache: a cluster's row is recomputed when
 * its RayCluster or one of its pods changes, so a list request only filters and pages rows
 * already built (the 10,000-cluster list goal), and the live stream gets only real changes.
 */
export class ClusterIndex {
  private readonly cache: KubeCache;
  private readonly summaries = new Map<string, ClusterSummary>();
  private sorted: ClusterSummary[] | undefined;
  /** Rows in other orders than the default, by `column/order`; dropped on any change. */
  private readonly otherOrders = new Map<string, ClusterSummary[]>();
  private readonly listeners = new Set<(change: SummaryChange) => void>();

  constructor(cache: KubeCache) {
    this.cache = cache;
    for (const cluster of cache.list('RayCluster')) this.refresh(cluster);
    cache.subscribe((change) => this.onCacheChange(change));
  }

  /** Subscribes to row changes; returns the unsubscribe function. */
  subscribe(listener: (change: SummaryChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(namespace: string, name: string): ClusterSummary | undefined {
    return this.summaries.get(keyOf(namespace, name));
  }

  get size(): number {
    return this.summaries.size;
  }

  /**
   * Filters, searches, sorts (`sort`/`order`, default newest first) and pages the rows a caller
   * may see. The web list shows exactly this order; it does not sort or filter again.
   */
  list(query: ClusterListQuery, scope: NamespaceScope): ClusterList {
    const text = query.q?.trim().toLowerCase();
    const matches = this.rowsInOrder(query.sort ?? 'age', query.order ?? 'asc').filter(
      (row) =>
        (scope === '*' || scope.has(row.namespace)) &&
        (!query.team || row.namespace === query.team) &&
        (!query.phase || row.phase === query.phase) &&
        (!query.gpuType || row.gpus.products.includes(query.gpuType)) &&
        (!text ||
          row.name.includes(text) ||
          row.namespace.includes(text) ||
          (row.owner ?? '').toLowerCase().includes(text) ||
          (row.template ?? '').toLowerCase().includes(text)),
    );
    const offset = query.cursor ? decodeCursor(query.cursor) : 0;
    const limit = query.limit ?? 50;
    const items = matches.slice(offset, offset + limit);
    const next = offset + limit;
    return {
      items,
      total: matches.length,
      ...(next < matches.length ? { nextCursor: encodeCursor(next) } : {}),
    };
  }

  private rowsInOrder(column: ClusterSortColumn, order: 'asc' | 'desc'): ClusterSummary[] {
    if (column === 'age' && order === 'asc') return this.sortedRows();
    const key = `${column}/${order}`;
    let rows = this.otherOrders.get(key);
    if (!rows) {
      const sign = order === 'asc' ? 1 : -1;
      // Ties keep the default order (newest first, then team and name): the sort is stable.
      rows = [...this.sortedRows()].sort((left, right) => sign * compareRows(column, left, right));
      this.otherOrders.set(key, rows);
    }
    return rows;
  }

  private sortedRows(): ClusterSummary[] {
    if (!this.sorted) {
      this.sorted = [...this.summaries.values()].sort(
        (left, right) =>
          right.createdAt.localeCompare(left.createdAt) ||
          left.namespace.localeCompare(right.namespace) ||
          left.name.localeCompare(right.name),
      );
    }
    return this.sorted;
  }

  private onCacheChange(change: CacheChange): void {
    if (change.kind === 'RayCluster') {
      if (change.type === 'delete') {
        const meta = change.object.metadata ?? {};
        const key = keyOf(meta.namespace ?? '', meta.name ?? '');
        const previous = this.summaries.get(key);
        if (previous) {
          this.summaries.delete(key);
          this.sorted = undefined;
          this.otherOrders.clear();
          this.emit({ type: 'delete', summary: previous });
        }
        return;
      }
      this.refresh(change.object);
      return;
    }
    if (change.kind === 'Pod') {
      const labels = change.object.metadata?.labels ?? {};
      const clusterName = labels[RayLabel.cluster];
      if (!clusterName) return;
      const cluster = this.cache.get('RayCluster', change.object.metadata?.namespace, clusterName);
      if (cluster) this.refresh(cluster);
    }
  }

  private refresh(cluster: RayClusterResource): void {
    const namespace = cluster.metadata.namespace ?? '';
    const name = cluster.metadata.name ?? '';
    const key = keyOf(namespace, name);
    const pods = this.cache.serves('Pod') ? this.cache.podsOfCluster(namespace, name) : undefined;
    const summary = summarizeCluster(cluster, pods);
    const previous = this.summaries.get(key);
    if (previous && JSON.stringify(previous) === JSON.stringify(summary)) return;
    this.summaries.set(key, summary);
    this.otherOrders.clear();
    if (!previous || previous.createdAt !== summary.createdAt) this.sorted = undefined;
    else if (this.sorted) {
      const index = this.sorted.indexOf(previous);
      if (index >= 0) this.sorted[index] = summary;
      else this.sorted = undefined;
    }
    this.emit({ type: 'upsert', summary });
  }

  private emit(change: SummaryChange): void {
    for (const listener of this.listeners) listener(change);
  }
}

const phaseRank = new Map<string, number>(clusterPhases.map((phase, index) => [phase, index]));
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Compares two rows by one column, ascending; `age` ascending is newest first. */
function compareRows(column: ClusterSortColumn, left: ClusterSummary, right: ClusterSummary) {
  switch (column) {
    case 'name':
      return collator.compare(left.name, right.name);
    case 'phase':
      return (phaseRank.get(left.phase) ?? 0) - (phaseRank.get(right.phase) ?? 0);
    case 'team':
      return collator.compare(left.namespace, right.namespace);
    case 'owner':
      return collator.compare(left.owner ?? '', right.owner ?? '');
    case 'template':
      return collator.compare(left.template ?? '', right.template ?? '');
    case 'workers':
      return (
        left.workers.desired - right.workers.desired || left.workers.ready - right.workers.ready
      );
    case 'gpus':
      return left.gpus.count - right.gpus.count;
    case 'age':
      return right.createdAt.localeCompare(left.createdAt);
  }
}

function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^o:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : 0;
}
