import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';

import type { ClusterSummary } from '../../shared/api/clusterSchemas.ts';
import type { StreamEvents } from '../../shared/api/streamSchemas.ts';
import { useStreamEvent } from '../stream/StreamProvider.tsx';
import { useApiClient } from './useApiClient.ts';

/** TanStack Query key of every cluster row the user may see (one cache entry, all rows). */
export const clusterListKey = ['clusters', 'all'] as const;

/** Rows asked per page while walking the list cursor: the API's maximum (`limit` ≤ 500). */
export const clusterListPageSize = 500;

/** One change of the live stream's `cluster` event. */
export type ClusterChange = StreamEvents['cluster'];

/** `namespace/name`: the identity of a row (names are unique per team namespace). */
export function clusterRowKey(row: Pick<ClusterSummary, 'namespace' | 'name'>): string {
  return `${row.namespace}/${row.name}`;
}

/**
 * Applies one stream change to the rows, immutably: `upsert` replaces the row with the same
 * `namespace/name` or adds it; `delete` removes it, but only when the uid matches, so the delete
 * of an old cluster never removes a newer one created under the same name. Returns `rows`
 * itself when nothing changed, so React skips the render.
 */
export function applyClusterChange(
  rows: readonly ClusterSummary[],
  change: ClusterChange,
): ClusterSummary[] {
  const key = clusterRowKey(change.summary);
  const index = rows.findIndex((row) => clusterRowKey(row) === key);
  if (change.type === 'delete') {
    if (index < 0 || rows[index]?.uid !== change.summary.uid) return rows as ClusterSummary[];
    return [...rows.slice(0, index), ...rows.slice(index + 1)];
  }
  if (index < 0) return [change.summary, ...rows];
  const next = [...rows];
  next[index] = change.summary;
  return next;
}

/** A change that arrived while the list was loading, numbered in arrival order. */
interface BufferedChange {
  sequence: number;
  change: ClusterChange;
}

/**
 * Every cluster row the user may see, kept live without polling: loaded once by walking the
 * API cursor (500 rows a page), then patched in the query cache by the stream's `cluster`
 * events. A `hello` (the stream reconnected, so events may have been missed) refetches once.
 *
 * Changes that arrive during a load are kept and applied to its result, except for rows whose
 * page was requested after the change arrived (that page is at least as new); the stream is
 * ordered, so this never applies a stale change. A load during which a cluster was deleted or
 * the stream reconnected is walked once more, because offset paging can then skip a row.
 */
export function useClusterList() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  /** How many `cluster` events have arrived so far. */
  const received = useRef(0);
  const buffered = useRef<BufferedChange[]>([]);
  const loading = useRef(false);
  const reconnectedWhileLoading = useRef(false);

  const query = useQuery({
    queryKey: clusterListKey,
    queryFn: async (): Promise<ClusterSummary[]> => {
      loading.current = true;
      try {
        for (let attempt = 0; ; attempt += 1) {
          buffered.current = [];
          reconnectedWhileLoading.current = false;
          const rows = new Map<string, ClusterSummary>();
          /** Row key → how many events had arrived when its page was requested. */
          const pageStartOf = new Map<string, number>();
          let cursor: string | undefined;
          let pages = 0;
          do {
            const pageStart = received.current;
            const page = await client.listClusters({
              limit: clusterListPageSize,
              ...(cursor ? { cursor } : {}),
            });
            pages += 1;
            for (const row of page.items) {
              rows.set(clusterRowKey(row), row);
              pageStartOf.set(clusterRowKey(row), pageStart);
            }
            cursor = page.nextCursor;
          } while (cursor);

          const changes = buffered.current;
          buffered.current = [];
          const pagesShifted =
            (pages > 1 && changes.some(({ change }) => change.type === 'delete')) ||
            reconnectedWhileLoading.current;
          if (pagesShifted && attempt === 0) continue;

          let result = [...rows.values()];
          for (const { sequence, change } of changes) {
            const pageStart = pageStartOf.get(clusterRowKey(change.summary));
            if (pageStart !== undefined && pageStart > sequence) continue;
            result = applyClusterChange(result, change);
          }
          return result;
        }
      } finally {
        loading.current = false;
      }
    },
    // The stream keeps the rows current: no refetch on focus or timers. Coming back to the page
    // reloads, because changes are not followed while no list is mounted.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
    refetchOnMount: 'always',
  });

  useStreamEvent('cluster', (change) => {
    const sequence = received.current;
    received.current += 1;
    if (loading.current) buffered.current.push({ sequence, change });
    queryClient.setQueryData<ClusterSummary[]>(clusterListKey, (rows) =>
      rows ? applyClusterChange(rows, change) : rows,
    );
  });

  useStreamEvent('hello', () => {
    if (loading.current) {
      reconnectedWhileLoading.current = true;
      return;
    }
    if (queryClient.getQueryData(clusterListKey) !== undefined) {
      void queryClient.invalidateQueries({ queryKey: clusterListKey, exact: true });
    }
  });

  return query;
}
