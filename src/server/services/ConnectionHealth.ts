import type { ConnectionEvent } from '../../shared/api/streamSchemas.ts';
import type { KubeCache } from '../k8s/KubeCache.ts';

/** Clock and timer of {@link ConnectionHealth}, injected by tests. */
export interface ConnectionHealthTiming {
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Calls `tick` every `ms`; returns the cancel function. */
  every: (ms: number, tick: () => void) => () => void;
}

/** Options of {@link ConnectionHealth}. */
export interface ConnectionHealthOptions {
  cache: Pick<KubeCache, 'status'>;
  /**
   * Milliseconds an informer may fail before the connection counts as degraded, so one dropped
   * watch that reconnects at once (they do, routinely) does not flash a banner. Default 10,000.
   */
  graceMs?: number;
  /** Milliseconds between looks at the informers. Default 1,000. */
  checkIntervalMs?: number;
  timing?: Partial<ConnectionHealthTiming>;
}

const realTiming: ConnectionHealthTiming = {
  now: () => Date.now(),
  every: (ms, tick) => {
    const timer = setInterval(tick, ms);
    // A health check alone must not keep the process alive.
    timer.unref();
    return () => clearInterval(timer);
  },
};

/**
 * The health of the portal's Kubernetes connection, derived from the watch-fed cache's
 * informers and published as the stream's `connection` event. An informer is failing while it
 * has not listed yet or its last list or watch failed (`lastError`); the connection is
 * `degraded` once some informer has been failing for longer than `graceMs`, and `ok` again as
 * soon as none is. Looks at `cache.status()` every `checkIntervalMs` (the cache has no error
 * events; `status()` is a cheap walk over the informers).
 */
export class ConnectionHealth {
  private readonly cache: Pick<KubeCache, 'status'>;
  private readonly graceMs: number;
  private readonly checkIntervalMs: number;
  private readonly timing: ConnectionHealthTiming;
  private readonly listeners = new Set<(state: ConnectionEvent) => void>();
  /** When each currently failing informer was first seen failing (ms since the epoch). */
  private readonly failingSince = new Map<string, number>();
  private state: ConnectionEvent;
  private cancel: (() => void) | undefined;

  constructor(options: ConnectionHealthOptions) {
    this.cache = options.cache;
    this.graceMs = options.graceMs ?? 10_000;
    this.checkIntervalMs = options.checkIntervalMs ?? 1_000;
    this.timing = { ...realTiming, ...options.timing };
    this.state = {
      state: 'ok',
      since: new Date(this.timing.now()).toISOString(),
      message: 'Connected to Kubernetes.',
      informers: [],
    };
  }

  /** Starts looking at the informers (idempotent). */
  start(): void {
    this.cancel ??= this.timing.every(this.checkIntervalMs, () => this.check());
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  /** The state now, as the stream sends it right after `hello`. */
  current(): ConnectionEvent {
    return this.state;
  }

  /** Calls `listener` on every change of state; returns the unsubscribe function. */
  subscribe(listener: (state: ConnectionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Looks at the informers once and publishes a change of state (tests call it directly). */
  check(): void {
    const now = this.timing.now();
    const failing = this.cache
      .status()
      .filter((informer) => !informer.synced || informer.lastError !== undefined);
    const failingNames = new Set(failing.map((informer) => informer.name));
    for (const name of this.failingSince.keys()) {
      if (!failingNames.has(name)) this.failingSince.delete(name);
    }
    for (const informer of failing) {
      if (!this.failingSince.has(informer.name)) this.failingSince.set(informer.name, now);
    }
    const overdue = failing.filter(
      (informer) => now - (this.failingSince.get(informer.name) ?? now) > this.graceMs,
    );
    if (overdue.length > 0) {
      const since = Math.min(
        ...overdue.map((informer) => this.failingSince.get(informer.name) ?? now),
      );
      const names = overdue.map((informer) => informer.name).sort();
      const error = overdue.find((informer) => informer.lastError)?.lastError;
      const message = `Kubernetes is not answering the portal's watch of ${names.join(', ')}${error ? ` (${error})` : ' (not listed yet)'}; what you see may be out of date.`;
      // A new error text alone is no news: only a change of which informers fail is sent.
      if (this.state.state !== 'degraded' || this.state.informers.join() !== names.join()) {
        this.publish({
          state: 'degraded',
          since: this.state.state === 'degraded' ? this.state.since : new Date(since).toISOString(),
          message,
          informers: names,
        });
      }
    } else if (failing.length === 0 && this.state.state === 'degraded') {
      this.publish({
        state: 'ok',
        since: new Date(now).toISOString(),
        message: 'Connected to Kubernetes.',
        informers: [],
      });
    }
  }

  private publish(state: ConnectionEvent): void {
    this.state = state;
    for (const listener of [...this.listeners]) listener(state);
  }
}
