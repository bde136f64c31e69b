import { type InfiniteData, useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';

import type {
  ClusterList,
  ClusterListQuery,
  ClusterSummary,
} from '../../shared/api/clusterSchemas.ts';
import type { StreamEvents } from '../../shared/api/streamSchemas.ts';
import { useStreamEvent } from '../stream/StreamProvider.tsx';
import { useApiClient } from './useApiClient.ts';

/** Rows asked per page; more pages load as the table scrolls near the end. */
export const clusterListPageSize = 100;

/** Least time between two refetches caused by stream events, in milliseconds. */
export const clusterListRefetchThrottleMs = 250;

/** Most stream changes remembered to patch pages answered before them. */
const newestLimit = 20_000;

/** One change of the live stream's `cluster` event. */
export type ClusterChange = StreamEvents['cluster'];

/** What the list shows: the server's filters and order (`GET /api/v1/clusters`). */
export type ClusterListView = Pick<
  ClusterListQuery,
  'team' | 'phase' | 'gpuType' | 'q' | 'sort' | 'order'
>;

/** TanStack Query key prefix of every cluster list view. */
export const clusterListsKey = ['clusters', 'list'] as const;

/** TanStack Query key of one list view. */
export function clusterListKey(view: ClusterListView) {
  return [...clusterListsKey, view] as const;
}

/** `namespace/name`: the identity of a row (names are unique per team namespace). */
export function clusterRowKey(row: Pick<ClusterSummary, 'namespace' | 'name'>): string {
  return `${row.namespace}/${row.name}`;
}

/**
 * Whether `incoming` is an older resourceVersion than `current`. Kubernetes says
 * resourceVersions are opaque strings, but etcd's (and the sandbox's) are increasing integers,
 * so when both parse as integers the lower one is older. Anything else (empty, non-numeric) is
 * never called older: an update is only dropped when it is certainly stale. Equal versions are
 * not older: a row also changes when its pods change, which leaves the RayCluster's version as
 * it was.
 */
export function isOlderResourceVersion(incoming: string, current: string): boolean {
  if (!/^\d+$/.test(incoming) || !/^\d+$/.test(current)) return false;
  return BigInt(incoming) < BigInt(current);
}

type ListData = InfiniteData<ClusterList, string | undefined>;

/**
 * Applies one stream change to the loaded pages, immutably: an upsert replaces the row with the
 * same `namespace/name` unless its resourceVersion is older; a delete removes it when the uid
 * matches (the delete of an old cluster never removes a newer one of the same name). Rows not
 * loaded are left alone: whether and where they belong is the server's to say. Returns `data`
 * itself when nothing changed.
 */
export function applyClusterChange(data: ListData, change: ClusterChange): ListData {
  const key = clusterRowKey(change.summary);
  let changed = false;
  const pages = data.pages.map((page) => {
    const index = page.items.findIndex((row) => clusterRowKey(row) === key);
    const current = page.items[index];
    if (!current) return page;
    if (change.type === 'delete') {
      if (current.uid !== change.summary.uid) return page;
      changed = true;
      return {
        ...page,
        items: [...page.items.slice(0, index), ...page.items.slice(index + 1)],
        total: Math.max(0, page.total - 1),
      };
    }
    if (
      current.uid === change.summary.uid &&
      isOlderResourceVersion(change.summary.resourceVersion, current.resourceVersion)
    ) {
      return page;
    }
    changed = true;
    const items = [...page.items];
    items[index] = change.summary;
    return { ...page, items };
  });
  return changed ? { ...data, pages } : data;
}

/** Whether any loaded page holds the row of `change`. */
function holdsRow(data: ListData | undefined, change: ClusterChange): boolean {
  const key = clusterRowKey(change.summary);
  return (data?.pages ?? []).some((page) => page.items.some((row) => clusterRowKey(row) === key));
}

/**
 * The cluster list as the server filters, sorts and pages it, kept live without polling: pages
 * of {@link clusterListPageSize} load as the table needs them (`fetchNextPage`), and the
 * stream's `cluster` events patch the rows already shown, by resourceVersion (an older version
 * never replaces a newer one, so a page answered before an event cannot undo it). Whether a
 * change moves a row into, out of or within the view is the server's business: a change of a
 * row not shown, or any change while a filter or another order than the default is active,
 * refetches the loaded pages (throttled to one per {@link clusterListRefetchThrottleMs}). A
 * `hello` (the stream reconnected, events may be lost) refetches too.
 */
export function useClusterList(view: ClusterListView) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const key = clusterListKey(view);
  /** The newest row the stream told about, per key, to patch pages answered before it. */
  const newest = useRef(new Map<string, ClusterChange>());

  const query = useInfiniteQuery({
    queryKey: key,
    queryFn: async ({ pageParam }): Promise<ClusterList> => {
      const page = await client.listClusters({
        ...view,
        limit: clusterListPageSize,
        ...(pageParam ? { cursor: pageParam } : {}),
      });
      const items: ClusterSummary[] = [];
      for (const row of page.items) {
        const known = newest.current.get(clusterRowKey(row));
        if (!known || known.summary.uid !== row.uid) {
          items.push(row);
          continue;
        }
        const version = known.summary.resourceVersion;
        if (known.type === 'delete') {
          // A page answered before the delete still holds the row: drop it.
          if (
            row.resourceVersion === version ||
            isOlderResourceVersion(row.resourceVersion, version)
          )
            continue;
        } else if (isOlderResourceVersion(row.resourceVersion, version)) {
          items.push(known.summary);
          continue;
        }
        // The server has caught up with what the stream said.
        newest.current.delete(clusterRowKey(row));
        items.push(row);
      }
      return { ...page, items };
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor,
    // The stream keeps the rows current: no refetch on focus or timers. Coming back to the page
    // reloads, because changes are not followed while no list is mounted.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
    refetchOnMount: 'always',
  });

  const trailing = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const lastRefetch = useRef(0);
  const currentKey = useRef(key);
  const keyText = JSON.stringify(key);
  useEffect(() => {
    currentKey.current = JSON.parse(keyText) as typeof key;
    return () => {
      clearTimeout(trailing.current);
      trailing.current = undefined;
    };
  }, [keyText]);
  const refetchSoon = useCallback(() => {
    if (trailing.current !== undefined) return;
    const run = () => {
      trailing.current = undefined;
      lastRefetch.current = Date.now();
      void queryClient.invalidateQueries({ queryKey: currentKey.current, exact: true });
    };
    const wait = lastRefetch.current + clusterListRefetchThrottleMs - Date.now();
    if (wait <= 0) run();
    else trailing.current = setTimeout(run, wait);
  }, [queryClient]);

  const filtered = Boolean(
    view.team ||
    view.phase ||
    view.gpuType ||
    view.q?.trim() ||
    (view.sort ?? 'age') !== 'age' ||
    (view.order ?? 'asc') !== 'asc',
  );

  useStreamEvent('cluster', (change) => {
    const rowKey = clusterRowKey(change.summary);
    const known = newest.current.get(rowKey);
    if (
      !known ||
      known.summary.uid !== change.summary.uid ||
      !isOlderResourceVersion(change.summary.resourceVersion, known.summary.resourceVersion)
    ) {
      // Bounded: entries leave when a page shows the server caught up; deletes never do.
      if (newest.current.size >= newestLimit) newest.current.clear();
      newest.current.set(rowKey, change);
    }
    const data = queryClient.getQueryData<ListData>(key);
    if (!data) return;
    const shown = holdsRow(data, change);
    if (shown) queryClient.setQueryData<ListData>(key, applyClusterChange(data, change));
    if (change.type !== 'upsert' || (shown && !filtered)) return;
    // In the default order (newest first), a row older than the last one loaded belongs to a
    // page not loaded yet: nothing shown changes.
    const last = data.pages.at(-1);
    const oldestShown = last?.items.at(-1)?.createdAt;
    if (!filtered && !shown && last?.nextCursor && oldestShown !== undefined) {
      if (change.summary.createdAt < oldestShown) return;
    }
    refetchSoon();
  });

  useStreamEvent('hello', () => {
    if (queryClient.getQueryData(key) !== undefined) refetchSoon();
  });

  return query;
}
