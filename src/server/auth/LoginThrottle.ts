/** Options for {@link LoginThrottle}. */
export interface LoginThrottleOptions {
  /** Failed attempts allowed per `username + client address` within the window. Defaults to 10. */
  maxFailures?: number;
  /**
   * Failed attempts allowed per client address, across all usernames, within the window, so one
   * address cannot spray guesses over many accounts. Defaults to 50. Behind a reverse proxy this
   * only works when Fastify's `trustProxy` makes `request.ip` the real client.
   */
  maxFailuresPerAddress?: number;
  /** Window in milliseconds, counted from the first failure of a key. Defaults to 15 minutes. */
  windowMs?: number;
  /** Most keys remembered per kind; the oldest are forgotten first. Defaults to 10,000. */
  maxKeys?: number;
  /** Clock in epoch milliseconds, injected by tests. */
  now?: () => number;
}

/** The outcome of {@link LoginThrottle.begin}. */
export type LoginAttempt =
  | {
      allowed: true;
      /** Call after the password matched: takes the attempt back and clears the pair's count. */
      succeed: () => void;
    }
  | {
      allowed: false;
      /** Seconds until another attempt from this pair or address may be made (at least 1). */
      retryAfterSeconds: number;
    };

interface Counter {
  count: number;
  since: number;
}

/** Failure counters of one kind of key, with a fixed window per key and a size bound. */
class FailureCounters {
  readonly #counters = new Map<string, Counter>();
  readonly max: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;

  constructor(max: number, windowMs: number, maxKeys: number) {
    this.max = max;
    this.#windowMs = windowMs;
    this.#maxKeys = maxKeys;
  }

  /** The live counter of `key`, dropping it when its window is over. */
  get(key: string, now: number): Counter | undefined {
    const counter = this.#counters.get(key);
    if (counter && counter.since + this.#windowMs <= now) {
      this.#counters.delete(key);
      return undefined;
    }
    return counter;
  }

  /** Milliseconds until `key` may try again, or 0. */
  waitMs(key: string, now: number): number {
    const counter = this.get(key, now);
    return counter && counter.count >= this.max ? counter.since + this.#windowMs - now : 0;
  }

  add(key: string, now: number): void {
    const counter = this.get(key, now);
    if (counter) {
      counter.count += 1;
      return;
    }
    if (this.#counters.size >= this.#maxKeys) {
      const oldest = this.#counters.keys().next();
      if (!oldest.done) this.#counters.delete(oldest.value);
    }
    this.#counters.set(key, { count: 1, since: now });
  }

  /** Takes one attempt back (a reservation that turned out to be a success). */
  subtract(key: string, now: number): void {
    const counter = this.get(key, now);
    if (counter && counter.count > 0) counter.count -= 1;
  }

  delete(key: string): void {
    this.#counters.delete(key);
  }
}

/**
 * Slows password guessing with two brakes: failed sign-ins per `username + client address`
 * (default 10 per 15 minutes) and per client address across usernames (default 50 per 15
 * minutes). Each attempt is counted the moment it starts, synchronously in {@link begin},
 * before the (asynchronous) password check, so a burst of parallel guesses cannot all slip
 * through before the first failure is counted. A success takes its own attempt back and clears
 * the pair's count (not the address's, so a valid account cannot launder an address's guesses
 * at other accounts); a user who types the password right is never locked out by their own
 * logins. In memory, per process: a restart forgets, which is acceptable for a brake (each
 * replica brakes on its own).
 */
export class LoginThrottle {
  readonly #pairs: FailureCounters;
  readonly #addresses: FailureCounters;
  readonly #now: () => number;

  constructor(options: LoginThrottleOptions = {}) {
    const windowMs = options.windowMs ?? 15 * 60_000;
    const maxKeys = options.maxKeys ?? 10_000;
    this.#pairs = new FailureCounters(options.maxFailures ?? 10, windowMs, maxKeys);
    this.#addresses = new FailureCounters(options.maxFailuresPerAddress ?? 50, windowMs, maxKeys);
    this.#now = options.now ?? Date.now;
  }

  /**
   * Starts a sign-in attempt of `username` from `address`: refuses it when either brake is on,
   * otherwise counts it as a failure right away (synchronously) and returns the way to take it
   * back on success. Usernames compare case-insensitively.
   */
  begin(username: string, address: string): LoginAttempt {
    const now = this.#now();
    const pair = `${username.toLowerCase()}\n${address}`;
    const waitMs = Math.max(this.#pairs.waitMs(pair, now), this.#addresses.waitMs(address, now));
    if (waitMs > 0)
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    this.#pairs.add(pair, now);
    this.#addresses.add(address, now);
    return {
      allowed: true,
      succeed: () => {
        this.#pairs.delete(pair);
        this.#addresses.subtract(address, this.#now());
      },
    };
  }
}
