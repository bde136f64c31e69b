import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';

import type { ClusterDetail } from '../../shared/api/clusterSchemas.ts';
import { ApiError } from '../../shared/client/ApiError.ts';
import { useStreamEvent } from '../stream/StreamProvider.tsx';
import { useApiClient } from './useApiClient.ts';

/** TanStack Query key of one cluster's detail. */
export function clusterDetailKey(team: string, name: string) {
  return ['cluster', team, name] as const;
}

/** Least time between two refetches caused by stream events, in milliseconds. */
export const clusterRefetchThrottleMs = 300;

/** Phases in which a change of free GPUs can change the "why pending" explanation. */
const waitingPhases = new Set(['Pending', 'Provisioning', 'Scaling', 'Degraded']);

/** True for answers that retrying will not change: 4xx (not found, forbidden…). */
function isFinal(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 400 && error.status < 500;
}

/**
 * One cluster's detail (`GET /api/v1/clusters/{team}/{name}`), kept live: a stream `cluster`
 * event for this cluster patches its summary at once (the phase chip moves) and refetches the
 * rest; an `inventory` event refetches while the cluster waits for capacity (GPUs freed or
 * taken change the explanation); a `hello` after a reconnect refetches. Refetches are
 * throttled to one per {@link clusterRefetchThrottleMs}, the last event always honoured. A 404
 * (missing, or another team's) is not retried.
 */
export function useCluster(team: string, name: string) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const key = clusterDetailKey(team, name);

  const query = useQuery({
    queryKey: key,
    queryFn: () => client.getCluster(team, name),
    retry: (failures, error) => !isFinal(error) && failures < 2,
  });

  const lastRefetch = useRef(0);
  const trailing = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(
    () => () => {
      clearTimeout(trailing.current);
      trailing.current = undefined;
    },
    [team, name],
  );

  const refetchSoon = useCallback(() => {
    if (trailing.current !== undefined) return;
    const wait = lastRefetch.current + clusterRefetchThrottleMs - Date.now();
    const run = () => {
      trailing.current = undefined;
      lastRefetch.current = Date.now();
      void queryClient.invalidateQueries({ queryKey: clusterDetailKey(team, name), exact: true });
    };
    if (wait <= 0) run();
    else trailing.current = setTimeout(run, wait);
  }, [queryClient, team, name]);

  useStreamEvent('cluster', (change) => {
    if (change.summary.namespace !== team || change.summary.name !== name) return;
    if (change.type === 'upsert') {
      queryClient.setQueryData<ClusterDetail>(clusterDetailKey(team, name), (detail) =>
        detail ? { ...detail, summary: change.summary } : detail,
      );
    }
    refetchSoon();
  });

  useStreamEvent('inventory', () => {
    const phase = query.data?.summary.phase;
    if (phase && waitingPhases.has(phase)) refetchSoon();
  });

  useStreamEvent('hello', () => {
    if (query.data) refetchSoon();
  });

  return query;
}
