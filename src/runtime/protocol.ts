import type { Payload, Separator } from '../model/payload.js';
import type { Run } from '../model/run.js';
import type { ErrorData } from './error-data.js';

/**
 * The messages between the pool and a worker. Every message carries the brand, so that a
 * user's own `process.send()` in a forked worker never mixes with the pool's.
 */
export const BRAND = 'prun/1';

/**
 * The exit code of a worker whose teardown() threw: it said so itself on stderr, so the pool,
 * which reports any other worker that exits non-zero as it ends, says nothing more.
 */
export const TEARDOWN_FAILED_EXIT = 70;

/** How a worker turns results into what the pool receives. */
export type ResultFormat =
  | 'text' // a string as it is, anything else as one line of JSON; the CLI's default
  | 'json' // one {"index","input","result"} object a line
  | 'values'; // the values themselves, for library callers


export interface WorkerConfig {
  modulePath: string;
  /** The script as its user named it, for what is said of it as a whole (not when it ran from a queue). */
  scriptName?: string;
  format: ResultFormat;
  concurrency: number;
  /** Per-task time limit from the task's start; its signal aborts then. */
  timeoutMs: number | undefined;
  /** How long a timed-out task may take to stop before its worker asks to be replaced. */
  graceMs: number;
  /** Report each input's duration (for --joblog). */
  timings: boolean;
}

/** A batch for a worker to run. */
export interface BatchOrder {
  id: number;
  first: number; // global index of the batch's first input
  count: number; // inputs in the payload
  attempt: number; // 1-based
  payload: Payload;
  separator: Separator;
  eager: boolean; // say before each input that it starts, so a death names the input that caused it
}

export type ToWorker =
  /** `startSlot`: for a thread, where it writes which input it begins (start-slot.ts). */
  | { brand: typeof BRAND; type: 'init'; config: WorkerConfig; startSlot?: SharedArrayBuffer }
  /**
   * Batches in the order the worker's lanes are to take them. Those given in one turn of the
   * pool's event loop travel together: with many async tasks in flight, a message a batch
   * cost more than the batches did.
   */
  | { brand: typeof BRAND; type: 'batches'; batches: BatchOrder[] }
  /**
   * Start no more inputs: finish the running ones and report the rest of each batch as not run.
   * With `abort`, the running tasks' signals abort, and one that then fails did not run.
   */
  | { brand: typeof BRAND; type: 'stop'; abort: boolean }
  /** Give batch `id` back if no lane has begun it: another worker has a lane free for it. */
  | { brand: typeof BRAND; type: 'withdraw'; id: number }
  /**
   * A Ctrl-Z stops prun and its workers now (`began`), or stopped them for `ms` (`ended`): the
   * worker's --timeout counts none of that time (stop-clock.ts).
   */
  | { brand: typeof BRAND; type: 'stop-began' }
  | { brand: typeof BRAND; type: 'stop-ended'; ms: number }
  | { brand: typeof BRAND; type: 'end' };

/** Results of the inputs [done, done + count) of batch `id`; `last` when the batch is over. */
export interface RunReport extends Run {
  id: number;
  last: boolean;
  elapsedMs: number;
  /**
   * The batch's next input (at the end of this run) starts right after this report: a death
   * before the next message is that input's doing, and only its.
   */
  running?: boolean;
  /**
   * Said at the worker's death (worker/last-words.ts): how long that input had been running,
   * about (from the loop's last read of the clock, which quick inputs before it may share).
   */
  runningMs?: number;
  /**
   * Said at the worker's death when no input was in its own code: `between`, as it said
   * whether the next input starts, which had not begun; `awaiting`, while an input awaited and
   * code not its own (another input's timer, setup()'s) or code nobody can name ended the
   * worker: that input is then a suspect, not the one to blame (worker-loop.ts, its owner).
   */
  lastWords?: 'between' | 'awaiting';
}

export type FromWorker =
  | { brand: typeof BRAND; type: 'ready' }
  /** The worker begins to import the script: from here --timeout bounds the import (loadBoundMs). */
  | { brand: typeof BRAND; type: 'loading' }
  /** The script is loaded and its setup() begins: from here --timeout bounds the start. */
  | { brand: typeof BRAND; type: 'setup' }
  /**
   * Importing the script or its setup() threw. `setup` when its setup() did, with `where` in
   * the user's code, when a frame says: never told by the error's own code, which is the user's.
   */
  | { brand: typeof BRAND; type: 'setup-failed'; error: ErrorData; setup?: { where?: string } }
  /** Reports in the order they were made; those of lanes that finish together travel as one message. */
  | { brand: typeof BRAND; type: 'runs'; runs: RunReport[] }
  /** A task ignored its abort past the grace period: this worker must be replaced. */
  | { brand: typeof BRAND; type: 'stuck' }
  /** Batch `id`, asked back, was given back: none of it began here. */
  | { brand: typeof BRAND; type: 'withdrawn'; id: number }
  /** The script's teardown() threw as the worker ended: for the pool to say (its notice hook). */
  | { brand: typeof BRAND; type: 'teardown-failed'; error: ErrorData }
  /**
   * A forked worker is dying of an exception nothing caught (a throw in a timer, a rejection
   * nobody awaited): why, for its runtime to name; the pool never sees it.
   */
  | { brand: typeof BRAND; type: 'crashed'; error: ErrorData };

function isBranded(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { brand?: unknown }).brand === BRAND;
}

export const isFromWorker = isBranded as (message: unknown) => message is FromWorker;
export const isToWorker = isBranded as (message: unknown) => message is ToWorker;
