import type { SimClock } from '../../world/simClock.ts';

interface Entry {
  at: number;
  sequence: number;
  callback: () => void;
  cancelled: boolean;
}

/**
 * Many timers on one clock timer: a binary heap of due times, with only the earliest armed on
 * the {@link SimClock}. Tens of thousands of pods each wait for several simulated moments
 * (image pulled, container started, probe passed); arming one clock timer per moment would
 * make a ManualClock quadratic and flood a fast ScaledClock with `setTimeout`s. Callbacks due
 * at the same time run in the order they were scheduled, each with the clock at its due time
 * (ManualClock) or a little after (ScaledClock, which batches late ones together).
 */
export class TimerHeap {
  private readonly clock: SimClock;
  private readonly onError: (error: unknown) => void;
  private readonly heap: Entry[] = [];
  private sequence = 0;
  private armedAt = Number.POSITIVE_INFINITY;
  private cancelArmed: (() => void) | undefined;
  private stopped = false;
  private firing = false;

  constructor(clock: SimClock, onError: (error: unknown) => void = reportTimerError) {
    this.clock = clock;
    this.onError = onError;
  }

  /** Runs `callback` after `delayMs` simulated milliseconds; returns a cancel function. */
  after(delayMs: number, callback: () => void): () => void {
    return this.at(this.clock.now() + Math.max(0, delayMs), callback);
  }

  /** Runs `callback` at simulated epoch milliseconds `at`; returns a cancel function. */
  at(at: number, callback: () => void): () => void {
    const entry: Entry = { at, sequence: this.sequence++, callback, cancelled: false };
    if (this.stopped) return () => undefined;
    this.push(entry);
    if (!this.firing && at < this.armedAt) this.arm();
    return () => {
      entry.cancelled = true;
    };
  }

  /** Timers still waiting (cancelled ones may be counted until their time passes). */
  get size(): number {
    return this.heap.length;
  }

  /** Cancels everything; later calls schedule nothing. */
  stop(): void {
    this.stopped = true;
    this.cancelArmed?.();
    this.cancelArmed = undefined;
    this.heap.length = 0;
  }

  private arm(): void {
    this.cancelArmed?.();
    const first = this.heap[0];
    if (!first) {
      this.armedAt = Number.POSITIVE_INFINITY;
      this.cancelArmed = undefined;
      return;
    }
    this.armedAt = first.at;
    this.cancelArmed = this.clock.setTimer(first.at - this.clock.now(), () => this.fire());
  }

  private fire(): void {
    this.cancelArmed = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
    this.firing = true;
    for (;;) {
      const first = this.heap[0];
      if (this.stopped || !first || first.at > this.clock.now()) break;
      this.pop();
      if (first.cancelled) continue;
      try {
        first.callback();
      } catch (error) {
        this.onError(error);
      }
    }
    this.firing = false;
    if (!this.stopped) this.arm();
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.sequence < b.sequence);
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const parentEntry = heap[parent] as Entry;
      if (!this.less(entry, parentEntry)) break;
      heap[index] = parentEntry;
      index = parent;
    }
    heap[index] = entry;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (!last || heap.length === 0) return;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child =
        right < heap.length && this.less(heap[right] as Entry, heap[left] as Entry) ? right : left;
      if (!this.less(heap[child] as Entry, last)) break;
      heap[index] = heap[child] as Entry;
      index = child;
    }
    heap[index] = last;
  }
}

function reportTimerError(error: unknown): void {
  // A simulated component failing must not stop the others' timers.
  process.emitWarning(
    `sandbox timer failed: ${error instanceof Error ? error.stack : String(error)}`,
  );
}
