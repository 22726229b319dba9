import type { Failure } from './failure.js';

/** A failed input inside a run; `at` is where its output would have been in the run's text or values. */
export interface ItemFailure {
  offset: number; // within the batch
  at: number;
  input: string;
  error: Failure;
  /**
   * It failed once the run had asked its running tasks to stop (Ctrl-C): it stopped because it
   * was told to, or would have, and did not run (Executor.stop).
   */
  stopped?: true;
}

/**
 * What an input wrote on stderr, kept to be printed in its turn, right after its output
 * (`prun exec`, as GNU parallel groups a job's stdout and stderr); `at` is where its output
 * ends in the run's text.
 */
export interface ItemStderr {
  offset: number; // within the batch
  at: number;
  text: string;
}

/** Results of the inputs [done, done + count) of a batch, in input order. */
export interface Run {
  count: number;
  text: string; // formats 'text' and 'json'
  values: unknown[] | undefined; // format 'values'
  failures: ItemFailure[];
  durationsMs: number[] | undefined; // one an input, when timings are asked for
  /**
   * When each input started (epoch ms), with durationsMs: GNU parallel's joblog's Starttime,
   * so given by `prun exec`'s lanes only (map's joblog has no start column). Reckoned
   * back from when the run was reported instead, a start was late by the report's way to
   * the engine, and the starts of two inputs --delay apart came out closer than that (was: 297
   * ms for --delay 0.3, in a CI run).
   */
  startsMs?: number[] | undefined;
  stderr?: ItemStderr[] | undefined; // in input order
}

/**
 * The run of a part of a batch that starts `by` inputs into it, as the whole batch's: its
 * failures and stderr name their inputs by their place in the batch.
 */
export function shiftRun<R extends Run>(run: R, by: number): R {
  if (by === 0) return run;
  return {
    ...run,
    failures: run.failures.map((failure) => ({ ...failure, offset: failure.offset + by })),
    stderr: run.stderr?.map((item) => ({ ...item, offset: item.offset + by })),
  };
}
