/**
 * Simulated time for the sandbox world. Controllers, the kubelet and the Ray simulation read
 * time and schedule work only through a clock, so `--speed N` runs the world N times faster and
 * tests step time exactly with {@link ManualClock}.
 */
export interface SimClock {
  /** Simulated time, in epoch milliseconds. */
  now(): number;
  /** Runs `callback` after `delayMs` simulated milliseconds; returns a function that cancels it. */
  setTimer(delayMs: number, callback: () => void): () => void;
  /**
   * Wall-clock time, in epoch milliseconds: what object metadata (`creationTimestamp`,
   * `deletionTimestamp`) and events carry, so kubectl's ages never read `<invalid>` at
   * `--speed` above 1. Status and condition times stay on {@link now}.
   */
  wallNow(): number;
  /** The simulated instant at which the wall clock read `wallMs` (for reading metadata times). */
  simTimeOf(wallMs: number): number;
}

/** Real time scaled by `speed` (1 = real time, 60 = one simulated minute per second). */
export class ScaledClock implements SimClock {
  private readonly startReal = Date.now();
  private readonly speed: number;

  constructor(speed = 1) {
    if (!(speed > 0)) throw new Error(`speed must be a positive number, got ${speed}`);
    this.speed = speed;
  }

  now(): number {
    return this.startReal + (Date.now() - this.startReal) * this.speed;
  }

  setTimer(delayMs: number, callback: () => void): () => void {
    const timer = setTimeout(callback, Math.max(0, delayMs / this.speed));
    timer.unref();
    return () => clearTimeout(timer);
  }

  wallNow(): number {
    return Date.now();
  }

  simTimeOf(wallMs: number): number {
    return this.startReal + (wallMs - this.startReal) * this.speed;
  }
}

interface ScheduledTimer {
  at: number;
  sequence: number;
  callback: () => void;
}

/**
 * A clock that moves only when told to. `advance(ms)` runs every timer due within that span in
 * time order (timers scheduled by those callbacks included), so scripted timelines are exact.
 */
export class ManualClock implements SimClock {
  private current: number;
  private sequence = 0;
  private readonly timers = new Set<ScheduledTimer>();

  constructor(start = Date.parse('2026-01-01T00:00:00Z')) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** The same as {@link now}: a manual world's wall clock is its simulated clock. */
  wallNow(): number {
    return this.current;
  }

  simTimeOf(wallMs: number): number {
    return wallMs;
  }

  setTimer(delayMs: number, callback: () => void): () => void {
    const timer = { at: this.current + Math.max(0, delayMs), sequence: this.sequence++, callback };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }

  /** Moves time forward by `ms`, running due timers in order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      let next: ScheduledTimer | undefined;
      for (const timer of this.timers) {
        if (
          timer.at <= target &&
          (!next || timer.at < next.at || (timer.at === next.at && timer.sequence < next.sequence))
        ) {
          next = timer;
        }
      }
      if (!next) break;
      this.timers.delete(next);
      this.current = Math.max(this.current, next.at);
      next.callback();
    }
    this.current = target;
  }

  /** Number of timers still waiting. */
  get pendingTimers(): number {
    return this.timers.size;
  }
}
