import type { Batch } from '../model/batch.js';
import { type Failure, type ThrottleAnswer, throttleAnswerOf, throttledTooLong } from '../model/failure.js';
import type { Run } from '../model/run.js';
import type { Clock } from './clock.js';
import type { KeyedLine } from './scheduler/keyed-line.js';
import { RunThrottle } from './scheduler/run-throttle.js';

/** Throttle signals: a throttled input is tried again once its key (or, without keys, the run) has waited. */
export interface Throttling {
  /** When a failure says the server is throttling (429/503): how long it asked to wait, if it did. */
  signalOf(failure: Failure): { retryAfterMs: number | undefined } | undefined;
  maxRetryAfterMs: number;
  /** Throttled for longer than this, with nothing ending well, inputs fail with ERR_THROTTLED. */
  maxThrottleMs: number;
}

/**
 * What a failure says of throttling: nothing (undefined); a throttle signal, the input to be
 * tried again at `dueAt` (undefined: at once, its key's limits hold it back); or, without
 * keys, that the run has been throttled too long and the input fails.
 */
export type ThrottleVerdict = undefined | 'too-long' | { dueAt: number | undefined };

const HELD_BY_ITS_KEY: ThrottleVerdict = { dueAt: undefined };

/**
 * How the ends of inputs meet throttle signals (429/503) and limits per key. With keys, the
 * key's line learns of every end and holds back what is throttled; without, one throttle
 * holds back the whole run until its wait is over.
 */
export class Throttles {
  private readonly run: RunThrottle | undefined;
  /**
   * Each key's last throttle signal since its last other end ('' without keys): what
   * ERR_THROTTLED says if the key gives up, for the inputs waiting then and those read after
   * (kept when it gives up: was, those read after had no status). A key leaves it at any
   * other end, so it holds only keys throttled now or given up.
   */
  private readonly lastSignals = new Map<string, ThrottleAnswer>();
  /** Without keys, when each batch in flight was given out: a signal's burst is what started before it. */
  private readonly starts = new WeakMap<Batch, number>();

  constructor(
    private readonly throttling: Throttling | undefined,
    private readonly keyedLine: KeyedLine | undefined,
    private readonly clock: Clock,
    random?: () => number,
  ) {
    this.run = throttling && !keyedLine ? new RunThrottle(throttling.maxRetryAfterMs, throttling.maxThrottleMs, random) : undefined;
  }

  /** When a batch was given out (now, for one this run did not see given out). */
  private startOf(batch: Batch): number {
    return this.starts.get(batch) ?? this.clock.now();
  }

  /** A batch is given out now. */
  started(batch: Batch): void {
    if (!this.run) return;
    const now = this.clock.now();
    this.starts.set(batch, now);
    this.run.started(batch.count, now);
  }

  /**
   * A run of a batch's inputs was reported: its key learns how it went; without keys, one
   * input ending well that started after the latest signal ends the run's throttle.
   */
  ran(batch: Batch, run: Run): void {
    if (this.keyedLine) {
      const failure = run.failures[0];
      const signal = failure && this.throttling?.signalOf(failure.error);
      this.keyedLine.ended(batch, this.clock.now(), signal);
      if (signal) this.lastSignals.set(batch.key ?? '', throttleAnswerOf(failure.error, false));
      else if (run.count > 0) this.lastSignals.delete(batch.key ?? '');
    } else if (this.run && run.failures.length < run.count && this.run.clean(this.startOf(batch), this.clock.now())) {
      this.lastSignals.delete('');
    }
  }

  /** A batch was lost with its worker: its key learns that it ended. */
  lost(batch: Batch): void {
    this.keyedLine?.ended(batch, this.clock.now());
    this.lastSignals.delete(batch.key ?? '');
  }

  /** Whether an input of `batch` failed of a throttle signal, and if so when it may go again. */
  verdict(batch: Batch, offset: number, error: Failure): ThrottleVerdict {
    const signal = this.throttling?.signalOf(error);
    if (signal === undefined) return undefined;
    if (!this.run) return HELD_BY_ITS_KEY;
    const now = this.clock.now();
    // what ERR_THROTTLED says if the run gives up while the input waits
    this.lastSignals.set('', throttleAnswerOf(error, false));
    // throttled again past the most it may bear, the input gives up alone (run-throttle.ts)
    if (this.inputGivenUp(batch, now)) return 'too-long';
    const dueAt = this.run.signal(now, signal.retryAfterMs, this.startOf(batch), batch.first + offset);
    if (dueAt === undefined) return 'too-long';
    // its wait cut short when it gives up first: then it fails, not tried again (WaitingLine)
    const since = batch.throttledSince ?? now;
    return { dueAt: Math.min(dueAt, since + this.throttling!.maxThrottleMs + 1) };
  }

  /**
   * Without keys, whether an input has been throttled, try after try, for longer than the most
   * it may bear: it fails alone, whatever the run does (run-throttle.ts).
   */
  inputGivenUp(batch: Batch, now: number): boolean {
    return batch.throttledSince !== undefined && now - batch.throttledSince > this.throttling!.maxThrottleMs;
  }

  /** Without keys, whether the run has given up on what is throttled (run-throttle.ts). */
  runGivenUp(now: number): boolean {
    return this.run?.givenUp(now) ?? false;
  }

  /**
   * ERR_THROTTLED, for the inputs of `key` ('' without keys), with the status and Retry-After
   * of the last signal: `last`, or the key's own.
   */
  tooLong(key: string, last: ThrottleAnswer | undefined = this.lastSignals.get(key)): Failure {
    return throttledTooLong(key, this.throttling?.maxThrottleMs ?? 0, last);
  }

  /** Without keys, the throttle signals the run has counted (with keys, the limiter counts them per key). */
  get runSignals(): number {
    return this.run?.signals ?? 0;
  }

  /** No input starts before this: a run without keys that was told to wait, or paced (run-throttle.ts). */
  pausedUntil(now: number): number {
    return this.run?.pausedUntil(now) ?? Number.NEGATIVE_INFINITY;
  }

  /** Without keys, while the run's halved rate holds: inputs start one at a time. */
  get paced(): boolean {
    return this.run?.paced ?? false;
  }

  /** Without keys, whether the run backs off now, or has had a signal with nothing ending well since. */
  runThrottled(now: number): boolean {
    return this.run?.throttled(now) ?? false;
  }
}
