import { type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';

import { useStreamEvent } from '../../stream/StreamProvider.tsx';

/**
 * Refetches `queryKey` when GPU holdings change (`inventory` stream events) and after a stream
 * (re)connect (`hello`, which closes any gap), at most once per `minIntervalMs` (default 1000,
 * the server's own pace): the first event refetches at once, later ones within the window fold
 * into one refetch at its end. No polling.
 */
export function useInventoryRefresh(queryKey: QueryKey, minIntervalMs = 1000): void {
  const queryClient = useQueryClient();
  const lastRun = useRef(Number.NEGATIVE_INFINITY);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latestKey = useRef(queryKey);
  useEffect(() => {
    latestKey.current = queryKey;
  });
  useEffect(
    () => () => {
      if (pending.current !== undefined) clearTimeout(pending.current);
    },
    [],
  );

  const refresh = () => {
    const run = () => {
      pending.current = undefined;
      lastRun.current = Date.now();
      void queryClient.invalidateQueries({ queryKey: latestKey.current });
    };
    if (pending.current !== undefined) return;
    const wait = lastRun.current + minIntervalMs - Date.now();
    if (wait <= 0) run();
    else pending.current = setTimeout(run, wait);
  };
  useStreamEvent('inventory', refresh);
  useStreamEvent('hello', refresh);
}
