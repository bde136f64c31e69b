import type { SimClock } from '../world/simClock.ts';

/** What a reconcile returns: nothing (done) or a delay in simulated milliseconds to look again. */
export type ReconcileResult = undefined | { requeueAfterMs: number };

/** Options for {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** For error messages, e.g. `raycluster-controller`. */
  name: string;
  clock: SimClock;
  /** Brings the object named by `key` (`namespace/name`) to its desired state. */
  reconcile: (key: string) => ReconcileResult;
  /** Called when a reconcile throws; the key is retried with capped backoff either way. */
  onError?: (key: string, error: unknown) => void;
}

/** First retry after an error, in simulated milliseconds; doubles up to {@link maxBackoffMs}. */
const initialBackoffMs = 100;
const maxBackoffMs = 30_000;

/**
 * A controller work queue as in client-go: keys are deduplicated while waiting, processed on the
 * next tick in batches, retried with capped exponential backoff after errors, and can be
 * requeued after a delay on the simulated clock.
 */
export class WorkQueue {
  private readonly options: WorkQueueOptions;
  private readonly pending = new Set<string>();
  private readonly delayed = new Map<string, { at: number; cancel: () => void }>();
  private readonly failures = new Map<string, number>();
  private scheduled = false;
  private stopped = false;

  constructor(options: WorkQueueOptions) {
    this.options = options;
  }

  /** Queues `key` for the next tick. */
  add(key: string): void {
    if (this.stopped) return;
    this.delayed.get(key)?.cancel();
    this.delayed.delete(key);
    this.pending.add(key);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  /** Queues `key` after `delayMs` simulated milliseconds; the earliest pending request wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.stopped || this.pending.has(key)) return;
    const at = this.options.clock.now() + delayMs;
    const existing = this.delayed.get(key);
    if (existing && existing.at <= at) return;
    existing?.cancel();
    const cancel = this.options.clock.setTimer(delayMs, () => {
      this.delayed.delete(key);
      this.add(key);
    });
    this.delayed.set(key, { at, cancel });
  }

  /** Number of keys waiting to be processed now. */
  get length(): number {
    return this.pending.size;
  }

  stop(): void {
    this.stopped = true;
    for (const entry of this.delayed.values()) entry.cancel();
    this.delayed.clear();
    this.pending.clear();
  }

  /** Processes every queued key once; keys added meanwhile wait for the next tick. */
  drain(): void {
    this.scheduled = false;
    const keys = [...this.pending];
    this.pending.clear();
    for (const key of keys) {
      if (this.stopped) return;
      try {
        const result = this.options.reconcile(key);
        this.failures.delete(key);
        if (result) this.addAfter(key, result.requeueAfterMs);
      } catch (error) {
        const failures = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, failures);
        this.options.onError?.(key, error);
        this.addAfter(key, Math.min(maxBackoffMs, initialBackoffMs * 2 ** (failures - 1)));
      }
    }
  }
}
