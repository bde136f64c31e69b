/**
 * Waits until `check` holds, polling every 25 ms, for state that propagates asynchronously
 * (watch events, garbage collection, caches). Fails with `what` (or what it returns) after
 * `timeoutMs` (default 10 s); the timeout bounds a hang, it is not a speed assertion.
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string | (() => string),
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`never happened: ${typeof what === 'string' ? what : what()}`);
}
