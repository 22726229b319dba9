import type { Run } from '../runtime/protocol.js';
import { displayInput } from './job-inputs.js';
import { tagLines } from './job-output.js';
import { describeStatus } from './job-status.js';
import type { HeldBatch, LaneJob, PendingRun } from './lane-slot.js';

export interface ResultOptions {
  timings: boolean;
  /** How many more times a failed input is tried: only the output of its last try is printed. */
  retries: number;
}

/**
 * Adds a finished job to its batch's results not yet reported. A non-zero status fails the
 * input through the pipeline's failure path, as a thrown error does in map, so retries, the
 * report and the exit status are the same. A failed command's stdout is still printed, as
 * GNU parallel does (think of `diff`), but only on its last try: the text just before a
 * failure's `at` is that input's own.
 */
export function recordResult(job: LaneJob, status: number, stdout: string, durationMs: number, options: ResultOptions): void {
  const held = job.held;
  const run = (held.pending ??= {
    from: held.reported,
    count: 0,
    text: '',
    failures: [],
    durationsMs: options.timings ? [] : undefined,
  });
  const failure = describeStatus(status);
  if (!failure || held.batch.attempt > options.retries) {
    run.text += job.tag === undefined ? stdout : tagLines(stdout, `${job.tag}\t`);
  }
  if (failure) {
    const input = displayInput(job.args);
    run.failures.push({ offset: job.offset, at: run.text.length, input, error: { name: 'Error', message: failure, code: `EXIT_${status}` } });
  }
  run.durationsMs?.push(durationMs);
  run.count++;
}

/** Takes the batch's pending results as a run for the pipeline: from where, and what. */
export function takeRun(held: HeldBatch): { from: number; run: Run } {
  const pending: PendingRun | undefined = held.pending;
  held.pending = undefined;
  const from = pending?.from ?? held.reported;
  const run: Run = {
    count: pending?.count ?? 0,
    text: pending?.text ?? '',
    values: undefined,
    failures: pending?.failures ?? [],
    durationsMs: pending?.durationsMs,
  };
  held.reported += run.count;
  return { from, run };
}
