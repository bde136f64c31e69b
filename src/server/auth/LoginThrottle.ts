/** Options for {@link LoginThrottle}. */
export interface LoginThrottleOptions {
  /** Failed attempts allowed per key within the window. Defaults to 10. */
  maxFailures?: number;
  /** Window in milliseconds, counted from the first failure. Defaults to 15 minutes. */
  windowMs?: number;
  /** Most keys remembered; the oldest are forgotten first. Defaults to 10,000. */
  maxKeys?: number;
  /** Clock in epoch milliseconds, injected by tests. */
  now?: () => number;
}

/**
 * Slows password guessing: counts failed logins per `username + client address` and refuses
 * further attempts for that pair once `maxFailures` fail within the window. Only failures
 * count, so a user who types the password right is never locked out by their own logins; a
 * success clears the count. In memory, per process: a restart forgets, which is acceptable
 * for a brake (each replica brakes on its own).
 */
export class LoginThrottle {
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #failures = new Map<string, { count: number; since: number }>();

  constructor(options: LoginThrottleOptions = {}) {
    this.#maxFailures = options.maxFailures ?? 10;
    this.#windowMs = options.windowMs ?? 15 * 60_000;
    this.#maxKeys = options.maxKeys ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Seconds until `key` may try again, or 0 when it may try now. */
  retryAfterSeconds(key: string): number {
    const entry = this.#failures.get(key);
    if (!entry) return 0;
    const left = entry.since + this.#windowMs - this.#now();
    if (left <= 0) {
      this.#failures.delete(key);
      return 0;
    }
    return entry.count >= this.#maxFailures ? Math.ceil(left / 1000) : 0;
  }

  /** Counts one failed attempt. */
  fail(key: string): void {
    const now = this.#now();
    const entry = this.#failures.get(key);
    if (entry && entry.since + this.#windowMs > now) {
      entry.count += 1;
      return;
    }
    this.#failures.delete(key);
    if (this.#failures.size >= this.#maxKeys) {
      const oldest = this.#failures.keys().next();
      if (!oldest.done) this.#failures.delete(oldest.value);
    }
    this.#failures.set(key, { count: 1, since: now });
  }

  /** Forgets the failures of `key` after a successful login. */
  succeed(key: string): void {
    this.#failures.delete(key);
  }
}
