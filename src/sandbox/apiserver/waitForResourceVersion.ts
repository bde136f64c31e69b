import type { ObjectStore } from './objectStore.ts';
import { StatusError } from './statusError.ts';

/**
 * How long a read with a future resourceVersion waits for the store to reach it, in
 * milliseconds: the watch cache's `blockTimeout` (3 s).
 */
export const freshnessWaitMs = 3000;

/**
 * Kubernetes' `NewTooLargeResourceVersionError`: a 504 Timeout Status, retry after 1 s, with a
 * `ResourceVersionTooLarge` cause (client-go's reflector recognises it by that cause).
 */
export function tooLargeResourceVersion(requested: number, current: number): StatusError {
  return new StatusError(
    504,
    'Timeout',
    `Timeout: Too large resource version: ${requested}, current: ${current}`,
    {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    },
  );
}

/**
 * Resolves once the store's resourceVersion is at least `resourceVersion` (at once for an
 * absent, `0` or non-numeric one), as a list or get at a resourceVersion waits for the watch
 * cache; rejects with {@link tooLargeResourceVersion} after `waitMs` (default 3 s).
 */
export function waitForResourceVersion(
  store: ObjectStore,
  resourceVersion: string | undefined,
  waitMs = freshnessWaitMs,
): Promise<void> {
  const requested = Number(resourceVersion);
  if (!resourceVersion || !Number.isSafeInteger(requested) || requested <= store.resourceVersion) {
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const unsubscribe = store.subscribeAll(() => {
      if (store.resourceVersion < requested) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
    const timer = setTimeout(() => {
      unsubscribe();
      reject(tooLargeResourceVersion(requested, store.resourceVersion));
    }, waitMs);
  });
}
