import type { ClusterSummary } from '../../../shared/api/clusterSchemas.ts';
import { humanizeGpuProduct } from '../../../shared/ray/humanizeGpuProduct.ts';
import type { ClusterPhase } from '../../components/StatusChip.tsx';

/** The phases in lifecycle order: the phase filter's options and the phase column's sort. */
export const clusterPhases: readonly ClusterPhase[] = [
  'Pending',
  'Provisioning',
  'Ready',
  'Degraded',
  'Suspending',
  'Suspended',
  'Failed',
  'Deleting',
];

/** What the list shows; empty strings mean "any". */
export interface ClusterFilter {
  /** Team (namespace); empty for all teams. */
  team: string;
  /** Phase; empty for all phases. */
  phase: string;
  /** GPU product label, e.g. `NVIDIA-A100-SXM4-80GB`; empty for any GPU (or none). */
  gpuType: string;
  /** Case-insensitive text matched in name, team, owner and template. */
  text: string;
}

/** A column the list can be sorted by. */
export type ClusterSortColumn =
  'name' | 'phase' | 'team' | 'owner' | 'template' | 'workers' | 'gpus' | 'age';

/** A sort order of the list; `age` ascending means newest first. */
export interface ClusterSort {
  column: ClusterSortColumn;
  direction: 'ascending' | 'descending';
}

/** The rows that pass every part of `filter`, in their given order. */
export function filterClusters(
  rows: readonly ClusterSummary[],
  filter: ClusterFilter,
): ClusterSummary[] {
  const text = filter.text.trim().toLowerCase();
  return rows.filter(
    (row) =>
      (!filter.team || row.namespace === filter.team) &&
      (!filter.phase || row.phase === filter.phase) &&
      (!filter.gpuType || row.gpus.products.includes(filter.gpuType)) &&
      (!text ||
        row.name.toLowerCase().includes(text) ||
        row.namespace.toLowerCase().includes(text) ||
        (row.owner ?? '').toLowerCase().includes(text) ||
        (row.template ?? '').toLowerCase().includes(text)),
  );
}

const phaseRank = new Map(clusterPhases.map((phase, index) => [phase, index]));
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Compares two rows by one column, ascending; `age` ascending is newest first. */
function compareBy(column: ClusterSortColumn, left: ClusterSummary, right: ClusterSummary) {
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

/**
 * The rows sorted by `sort` (a new array). Ties fall back to newest first, then team and name,
 * so the order is stable while live updates arrive.
 */
export function sortClusters(rows: readonly ClusterSummary[], sort: ClusterSort): ClusterSummary[] {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return [...rows].sort(
    (left, right) =>
      sign * compareBy(sort.column, left, right) ||
      compareBy('age', left, right) ||
      collator.compare(left.namespace, right.namespace) ||
      collator.compare(left.name, right.name),
  );
}

/**
 * The GPUs of a row as people say them: `2 × NVIDIA A100`, `1 × NVIDIA GeForce RTX 4090`,
 * `4 × GPU` when any product will do, `—` without GPUs.
 */
export function formatGpus(gpus: ClusterSummary['gpus']): string {
  if (gpus.count <= 0) return '—';
  const products = [...new Set(gpus.products.map(humanizeGpuProduct))];
  return `${gpus.count} × ${products.length > 0 ? products.join(', ') : 'GPU'}`;
}
