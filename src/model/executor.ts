import type { Failure } from './failure.js';
import type { Run } from './run.js';
import type { Batch, Placement } from './batch.js';
import type { OutputFile } from './delivery.js';

/** A run as an executor reports it: a run of one input may bring its output as a file instead of text. */
export type ExecutorRun = Run & { file?: OutputFile };

/** Who is to blame for the inputs a dead worker held. */
export type Blame =
  // the input at `from` took the worker down: what it failed of, how long it ran until then
  // and when that was (epoch ms), when known: its joblog row's start and runtime (was: 0 s,
  // started as it was reported)
  | { culprit: Failure; durationMs?: number; endedAt?: number }
  | 'unknown' // several inputs may have been running: any of them
  // one lane's quick input was awaiting as the worker died: it may have done it (its own
  // continuation), or a timer of an input before it did; those after it never began
  | 'suspect'
  | 'none' // the worker was ended for the sake of an input already reported: these never ran
  // the worker died holding it as the next it would begin, before it began it: most often not
  // its doing (a timer's throw), but a batch that kills its worker as it arrives would come
  // back for ever; `death` is what the worker died of
  | { unbegun: Failure }
  // the first `finished` inputs from `from` on had finished, their results lost with the
  // worker: they ran, and run again, each start counted; past them `then` says what happened
  | { finished: number; then: Blame };

/** What an executor tells the pipeline as batches run. */
export interface ExecutorListener {
  /**
   * Results for the inputs [from, from + run.count) of a batch. `last` when the batch is over;
   * inputs past a last run did not run (the executor was stopped).
   */
  run(batch: Batch, from: number, run: ExecutorRun, last: boolean, elapsedMs: number): void;
  /** The worker running the batch is gone; its inputs from `from` on did not finish. */
  lost(batch: Batch, from: number, blame: Blame): void;
  /** There may be room for another batch now. */
  free(): void;
  /**
   * Running cannot go on (setup() failed, workers keep dying at start): the pipeline kills the
   * executor, counts what never ran, and ends its deliveries normally with `error` kept for
   * the consumer (ERR_WORKER_START, `workers keep dying at start: <cause>`, when some ran).
   * `soon`: what runs can still finish and be heard (a queue whose worker of another version
   * refused the run, while others run its inputs): the pipeline starts nothing more, asks the
   * running inputs to stop, and delivers what they end with, as after a Ctrl-C.
   */
  fatal(error: Error, when?: 'now' | 'soon'): void;
}

/**
 * Where batches run. The local pool is one; a distributed queue can stand in its place.
 * The pipeline asks for room, then submits at once; the executor owns every batch it
 * accepted until it reports the batch's last run or loses it.
 */
export interface Executor {
  /** Batches it can hold at once, when every worker is busy; sizes the pipeline's window. */
  readonly capacity: number;
  /** Settles when the first worker can take work, or running has ended before that. */
  readonly ready: Promise<void>;
  start(listener: ExecutorListener): void;
  /**
   * How many inputs the next batch may hold (0: no room now). With `ahead`, a worker that is
   * busy may be sent a batch to start when it is done with the one it runs.
   */
  room(placement: Placement, ahead: boolean): number;
  /**
   * True when the batch went to a worker that has reported nothing yet: its first tasks may
   * reach the outside late, while it loads what they import (per-key rates hold on to them).
   */
  submit(batch: Batch, ahead: boolean): boolean | void;
  /**
   * Starts no more inputs: running ones finish, the rest of each batch is reported not run.
   * With `abortRunning` (Ctrl-C), running tasks are asked to stop: their `ctx.signal` aborts,
   * and one that then fails is reported not run (it stopped because it was told to).
   */
  stop(abortRunning?: boolean): void;
  /** After the last batch: lets workers run their teardown and end. */
  close(): Promise<void>;
  /** Ends every worker at once. */
  kill(): Promise<void>;
}
