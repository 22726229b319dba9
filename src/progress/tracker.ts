import { performance } from 'node:perf_hooks';
import type { FailureCode } from '../model/failure.js';

export interface ThrottleSignals {
  total: number;
  top: readonly { key: string; count: number }[];
}

const NO_SIGNALS: ThrottleSignals = { total: 0, top: [] };

export interface ProgressSnapshot {
  succeeded: number;
  failed: number;
  /** Failures that will be tried again. */
  retried: number;
  notRun: number;
  resumed: number;
  /** All inputs, once the end of the input has been seen. */
  total: number | undefined;
  elapsedMs: number;
  /** Inputs settled a second, over the whole run: steadier than a recent rate when work is uneven. */
  rate: number;
  /** Milliseconds left, when the total is known and something has settled. */
  etaMs: number | undefined;
  /** Inputs waiting on a key that backs off after a throttle signal (--key). */
  throttled: number;
  /** Throttle signals seen (429/503 from a server), in all and for the keys with the most. */
  signals: ThrottleSignals;
  /** Of the inputs that never ran, those that were waiting on a throttled key when the run stopped. */
  throttledAtStop?: number | undefined;
  /** How many workers serve the run, when the run knows (--queue: they come and go). */
  workers?: number;
  /** What the machine lacks while no input may start for it (--memfree, --load). */
  machineShort?: MachineShortage | undefined;
}

/** What the machine can lack for an input to start: memory (--memfree), or calm (--load). */
export type MachineShortage = 'memory' | 'load';

/**
 * Inputs done: those that ran to a result or a failure, and those a joblog shows done
 * (--resume). Not those that never ran (a stop, a halt): a run stopped early is not shown
 * as complete, and they make no rate.
 */
export function doneCount(counts: Pick<ProgressSnapshot, 'succeeded' | 'failed' | 'resumed'>): number {
  return counts.succeeded + counts.failed + counts.resumed;
}

/** Counts settled inputs; renders nothing. Counting completions, not dispatches. */
export class ProgressTracker {
  succeeded = 0;
  failed = 0;
  retried = 0;
  /** Inputs that did not run: halted, interrupted, or running could not go on. */
  notRun = 0;
  /** Inputs left out because a joblog shows them finished (--resume). */
  resumed = 0;
  /** A --halt policy ended the run. */
  halted = false;
  /** When a --halt policy ended the run: the failures then, and the status of the input that met it (0: it succeeded) and why it failed. */
  haltedBy: { failed: number; status: number; code?: FailureCode | undefined } | undefined;
  total: number | undefined;
  /** The total as the user gave it (--total): shown until the real one is known, never counted on. */
  expected: number | undefined;
  /** Under --key, counts the inputs that wait on a throttled key. */
  throttleWaiting: (() => number) | undefined;
  /** Set when the run stops early: how many inputs were then waiting on a throttled key. */
  throttledAtStop: number | undefined;
  /** Under --key, the throttle signals seen per key, most first. */
  throttleSignals: (() => ThrottleSignals) | undefined;
  /** Workers serving the run, for a run whose workers come and go (--queue); undefined otherwise. */
  workers: number | undefined;
  /** A worker has served the run (--queue): seen serving it, or a batch of it started, though it may have left since. */
  served = false;
  /** Under --memfree or --load, what the machine lacks now for an input to start. */
  machineShortage: (() => MachineShortage | undefined) | undefined;
  private readonly started = performance.now();

  /**
   * The output was given up on (a reader of stdout that did not read past a second Ctrl-C):
   * of the inputs settled, only `out` got their outcome out. The others count as never ran,
   * as their missing joblog rows say (was: counted as done, results that never reached stdout).
   */
  keepOnly(out: { succeeded: number; failed: number }): void {
    const succeeded = Math.min(this.succeeded, out.succeeded);
    const failed = Math.min(this.failed, out.failed);
    this.notRun += this.succeeded - succeeded + (this.failed - failed);
    this.succeeded = succeeded;
    this.failed = failed;
  }

  snapshot(): ProgressSnapshot {
    const elapsedMs = performance.now() - this.started;
    const done = doneCount(this);
    const total = this.total ?? (this.expected !== undefined && this.expected >= done ? this.expected : undefined);
    const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
    const etaMs =
      total !== undefined && rate > 0 ? ((total - done) / rate) * 1000 : undefined;
    return {
      succeeded: this.succeeded,
      failed: this.failed,
      retried: this.retried,
      notRun: this.notRun,
      resumed: this.resumed,
      total,
      elapsedMs,
      rate,
      etaMs,
      throttled: this.throttleWaiting?.() ?? 0,
      signals: this.throttleSignals?.() ?? NO_SIGNALS,
      throttledAtStop: this.throttledAtStop,
      workers: this.workers,
      machineShort: this.machineShortage?.(),
    };
  }
}
