import type { Payload, Separator } from '../model/payload.js';
import type { Run } from '../model/run.js';
import type { ErrorData } from './error-data.js';

/**
 * The messages between the pool and a worker. Every message carries the brand, so that a
 * user's own `process.send()` in a forked worker never mixes with the pool's.
 */
export const BRAND = 'prun/1';

/** How a worker turns results into what the pool receives. */
export type ResultFormat =
  | 'text' // a string as it is, anything else as one line of JSON; the CLI's default
  | 'json' // one {"index","input","result"} object a line
  | 'values'; // the values themselves, for library callers


export interface WorkerConfig {
  modulePath: string;
  format: ResultFormat;
  concurrency: number;
  /** Per-task time limit from the task's start; its signal aborts then. */
  timeoutMs: number | undefined;
  /** How long a timed-out task may take to stop before its worker asks to be replaced. */
  graceMs: number;
  /** Report each input's duration (for --joblog). */
  timings: boolean;
}

export type ToWorker =
  | { brand: typeof BRAND; type: 'init'; config: WorkerConfig }
  | {
      brand: typeof BRAND;
      type: 'batch';
      id: number;
      first: number; // global index of the batch's first input
      count: number; // inputs in the payload
      attempt: number; // 1-based
      payload: Payload;
      separator: Separator;
      eager: boolean; // say before each input that it starts, so a death names the input that caused it
    }
  /** Start no more inputs: finish the running ones and report the rest of each batch as not run. */
  | { brand: typeof BRAND; type: 'stop' }
  | { brand: typeof BRAND; type: 'end' };

export type FromWorker =
  | { brand: typeof BRAND; type: 'ready' }
  /** The script is loaded and its setup() begins: from here --timeout bounds the start. */
  | { brand: typeof BRAND; type: 'setup' }
  | { brand: typeof BRAND; type: 'setup-failed'; error: ErrorData }
  /**
   * With `running`, the batch's next input (at the end of this run) starts right after this
   * message: a death before the next message is that input's doing, and only its.
   */
  | ({ brand: typeof BRAND; type: 'run'; id: number; last: boolean; elapsedMs: number; running?: boolean } & Run)
  /** A task ignored its abort past the grace period: this worker must be replaced. */
  | { brand: typeof BRAND; type: 'stuck' };

function isBranded(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { brand?: unknown }).brand === BRAND;
}

export const isFromWorker = isBranded as (message: unknown) => message is FromWorker;
export const isToWorker = isBranded as (message: unknown) => message is ToWorker;
