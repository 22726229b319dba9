import type { InputSource } from '../io/input-source.js';
import type { ProgressTracker } from '../progress/tracker.js';
import type { Executor } from '../model/executor.js';
import { type HaltPolicy, shouldHalt } from './halt.js';
import type { FailureCode } from '../model/failure.js';

export type StopMode = 'soon' | 'now';

/** Errors made to carry a thrown value that is not one. */
const carriers = new WeakSet<Error>();

/**
 * What was thrown, for a caller that throws it on: the value itself where an Error only
 * carried it (a library's input iterable that threw a string is thrown that string: was, an
 * Error made of it, where the README says the loop throws your error: a review).
 */
export function thrownValue(error: Error): unknown {
  return carriers.has(error) ? error.cause : error;
}

/**
 * How a run comes to stop, whatever asks for it: the caller (Ctrl-C), a --halt condition met,
 * the consumer gone, or running that cannot go on. Once stopping, no input starts: the source
 * is closed, and the executor stopped (soon) or killed (now).
 */
export class Stopping {
  mode: StopMode | undefined;
  /** The consumer went away: nothing more is delivered. */
  abandoned = false;
  /** Inputs never taken from the source, when known at the stop. */
  unread: number | undefined;
  /** Why running could not go on (setup() failed, workers keep dying at start, the input failed). */
  fatalError: Error | undefined;
  /** Settles once the executor is killed, after a stop 'now'. */
  killed: Promise<void> | undefined;
  /** Running tasks were asked to stop too (Ctrl-C), not only no new ones started (a halt). */
  private abortedRunning = false;

  constructor(
    private readonly source: InputSource,
    private readonly executor: Executor,
    private readonly halt: HaltPolicy | undefined,
    private readonly tracker: ProgressTracker,
    /** Something changed that the pipeline's loop waits on. */
    private readonly changed: () => void,
  ) {}

  /**
   * soon: start no more inputs and let running ones finish, with `abortRunning` asking them to
   * stop (their signal aborts: Ctrl-C); now: end running ones too.
   */
  stop(mode: StopMode, abortRunning = false): void {
    if (this.mode === 'now') return;
    if (this.mode === 'soon' && mode === 'soon') {
      // a Ctrl-C after a halt: the running tasks are now asked to stop as well
      if (abortRunning && !this.abortedRunning) {
        this.abortedRunning = true;
        this.executor.stop(true);
      }
      return;
    }
    this.mode = mode;
    // read ahead of a pipe still open, the inputs held never ran either (was: not counted at all)
    this.unread ??= this.source.remaining() ?? this.source.heldInputs?.() ?? 0;
    this.source.close();
    if (mode === 'soon') {
      this.abortedRunning = abortRunning;
      this.executor.stop(abortRunning);
    } else this.killed = this.executor.kill();
    this.changed();
  }

  abandon(): void {
    this.abandoned = true;
    this.stop('now');
  }

  /**
   * Running cannot go on, but what ran is delivered and what did not is counted as not run:
   * the deliveries end normally and the consumer asks fatalError() why. `soon`: the running
   * inputs can still end and be heard; they are asked to stop, and what they end with counts.
   */
  fatal(error: Error, when: StopMode = 'now'): void {
    this.failAtEnd(error);
    this.stop(when, true);
  }

  /**
   * The run fails with `error` once it has ended, without stopping now (the source failed: what
   * was read still runs) or after a stop of the caller's (an input cannot be sent: stop soon).
   * What runs finishes and is delivered; the consumer asks fatalError() why after those
   * outcomes. A thrown value that is not an Error is carried as its cause (thrownValue).
   */
  failAtEnd(error: unknown): void {
    if (this.fatalError || error instanceof Error) {
      this.fatalError ??= error as Error;
      return;
    }
    const carrier = new Error(String(error), { cause: error });
    carriers.add(carrier);
    this.fatalError = carrier;
  }

  /**
   * An input settled (the last of a run): stops as --halt says, once its condition is met.
   * `status`: the input's, 0 if it succeeded, and `code` why it failed (GNU parallel's exit
   * status after a halt is the status of the job that met it, 255 for one that timed out).
   */
  settled(status: number, code?: FailureCode): void {
    if (this.halt && !this.mode && shouldHalt(this.halt, this.tracker)) {
      this.tracker.halted = true;
      this.tracker.haltedBy = { failed: this.tracker.failed, status, code };
      this.stop(this.halt.when);
    }
  }
}
