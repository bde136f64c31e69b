import { keepPreviousData, useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef } from 'react';

import {
  type JobListQuery,
  type JobSummary,
  terminalJobPhases,
} from '../../shared/api/jobSchemas.ts';
import { useStreamEvent } from '../stream/StreamProvider.tsx';
import { useApiClient } from './useApiClient.ts';

/** Rows per page asked of the server. */
export const jobPageSize = 100;
/** Least time between two refetches caused by stream events, in milliseconds. */
export const jobListRefetchThrottleMs = 1_000;
/**
 * While a listed job is not finished, the list is refetched this often (milliseconds). The app
 * stream has no `job` event yet (see the web README); until it has, this keeps phases moving.
 */
export const jobListActivePollMs = 5_000;

/** TanStack Query key of a jobs list view. */
export function jobListKey(view: Omit<JobListQuery, 'limit' | 'cursor'>) {
  return ['jobs', view] as const;
}

/**
 * The jobs of a view (filters and search from the page; the server filters and pages, newest
 * first). Live: a `cluster` change of the stream (a cluster starting, finishing or going away
 * moves its jobs) and a reconnect refetch, throttled; while any listed job is not terminal the
 * list is also refetched every {@link jobListActivePollMs}.
 */
export function useJobList(view: Omit<JobListQuery, 'limit' | 'cursor'>) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const key = jobListKey(view);
  const query = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) =>
      client.listJobs({ ...view, limit: jobPageSize, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor,
    placeholderData: keepPreviousData,
    refetchInterval: (current) =>
      current.state.data?.pages.some((page) =>
        page.items.some((job) => !terminalJobPhases.includes(job.status.phase)),
      )
        ? jobListActivePollMs
        : false,
  });

  const rows = useMemo<JobSummary[]>(
    () => query.data?.pages.flatMap((page) => page.items) ?? [],
    [query.data],
  );
  const total = query.data?.pages[0]?.total ?? 0;

  const lastRefetch = useRef(0);
  const trailing = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(trailing.current), []);
  const refetchSoon = useCallback(() => {
    if (trailing.current !== undefined) return;
    const wait = lastRefetch.current + jobListRefetchThrottleMs - Date.now();
    const run = () => {
      trailing.current = undefined;
      lastRefetch.current = Date.now();
      // Every jobs view: the cluster page's Jobs tab and the list share what changed.
      void queryClient.invalidateQueries({ queryKey: ['jobs'] });
    };
    if (wait <= 0) run();
    else trailing.current = setTimeout(run, wait);
  }, [queryClient]);

  useStreamEvent('cluster', (change) => {
    if (view.team && change.summary.namespace !== view.team) return;
    if (view.cluster && change.summary.name !== view.cluster) return;
    refetchSoon();
  });
  useStreamEvent('hello', () => {
    if (query.data) refetchSoon();
  });

  return { query, rows, total };
}
