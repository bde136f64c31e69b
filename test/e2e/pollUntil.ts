import { setTimeout as delay } from 'node:timers/promises';

/**
 * Reads a value every `intervalMs` (default 100) until `done` accepts it, for set-up hooks where
 * Vitest's `expect.poll` is not available. Resolves with the accepted value; rejects after
 * `timeoutMs` (default 30,000) naming what it waited for and the last value read.
 */
export async function pollUntil<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 30_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() >= deadline) {
      throw new Error(`waited ${timeoutMs} ms for ${what}; last: ${JSON.stringify(value)}`);
    }
    await delay(intervalMs);
  }
}
