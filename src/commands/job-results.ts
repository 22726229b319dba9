import { performance } from 'node:perf_hooks';
import type { OutputFile } from '../model/delivery.js';
import type { Failure } from '../model/failure.js';
import { ARG_SEPARATOR, shownName } from '../model/payload.js';
import type { ExecutorRun } from '../model/executor.js';
import type { ItemFailure } from '../model/run.js';
import { statusFailure } from './job-status.js';
import type { HeldBatch, LaneJob, PendingRun } from './lane-slot.js';

/** How a job ended, and whether its stdout and stderr files have anything in them. */
export interface JobEnd {
  failure: Failure | undefined;
  stdout: boolean;
  stderr: boolean;
}

/** A lane's line for a job it ran, `STATUS OE` (see lane-script.ts). */
export function parseStatusLine(line: string): JobEnd {
  const space = line.indexOf(' ');
  const status = Number(line.slice(0, space));
  return { failure: status === 0 ? undefined : statusFailure(status), stdout: line[space + 1] === '1', stderr: line[space + 2] === '1' };
}

export interface ResultOptions {
  timings: boolean;
  /** How many more times a failed input is tried: only the output of its last try is printed. */
  retries: number;
}

/** Whether the job's output (stdout and stderr) is printed: it succeeded, or failed on its last try. */
export function outputPrinted(job: LaneJob, failure: Failure | undefined, options: ResultOptions): boolean {
  return !failure || job.held.batch.attempt > options.retries;
}

/**
 * Adds a finished job to its batch's results not yet reported. A failure (a non-zero status,
 * a timeout) fails the input through the pipeline's failure path, as a thrown error does in
 * map, so retries, the report and the exit status are the same. A failed command's stdout is
 * still printed, as GNU parallel does (think of `diff`), but only on its last try: the text
 * just before a failure's `at` is that input's own. Output as a file (big) must be the only output of its
 * run: the caller reports what was pending before it, and the file's run right after.
 */
export function recordResult(job: LaneJob, failure: Failure | undefined, stdout: string | OutputFile, durationMs: number, options: ResultOptions): void {
  const run = pendingOf(job, options);
  const printed = outputPrinted(job, failure, options);
  if (typeof stdout === 'string') {
    if (printed) run.text += stdout;
  } else if (printed) run.file = stdout;
  else stdout.close();
  addEnd(run, job, failure, durationMs);
}

/**
 * A job the stop ended (Ctrl-C) that failed for it: it stopped because it was told to and did
 * not run (ItemFailure.stopped), so nothing of its output is printed and it has no joblog
 * row: --resume runs it again, as a task that fails once Ctrl-C aborted its ctx.signal.
 */
export function recordStopped(job: LaneJob, failure: Failure, durationMs: number, options: ResultOptions): void {
  addEnd(pendingOf(job, options), job, failure, durationMs, true);
}

/** The job's end in its batch's pending run: its failure, if any (at the run's text so far), and its time. */
function addEnd(run: PendingRun, job: LaneJob, failure: Failure | undefined, durationMs: number, stopped = false): void {
  if (failure) {
    const item: ItemFailure = { offset: job.offset, at: run.text.length, input: shownName(job.args.join(ARG_SEPARATOR), 'bytes'), error: failure };
    if (stopped) item.stopped = true;
    run.failures.push(item);
  }
  run.durationsMs?.push(durationMs);
  run.startsMs?.push(performance.timeOrigin + job.startedAt);
  run.count++;
}

/** The results of its batch still to be reported, which the job's are added to. */
function pendingOf(job: LaneJob, options: ResultOptions): PendingRun {
  return (job.held.pending ??= {
    count: 0,
    text: '',
    failures: [],
    durationsMs: options.timings ? [] : undefined,
    startsMs: options.timings ? [] : undefined,
    file: undefined,
    stderr: [],
  });
}

/** Adds the stderr of the job recordResult() has just added, to be printed right after its output. */
export function recordStderr(job: LaneJob, text: string): void {
  const run = job.held.pending!;
  run.stderr.push({ offset: job.offset, at: run.text.length, text });
}

/** Takes the batch's pending results as a run for the pipeline (its ledger records them). */
export function takeRun(held: HeldBatch): ExecutorRun {
  const pending: PendingRun | undefined = held.pending;
  held.pending = undefined;
  return {
    count: pending?.count ?? 0,
    text: pending?.text ?? '',
    values: undefined,
    failures: pending?.failures ?? [],
    durationsMs: pending?.durationsMs,
    startsMs: pending?.startsMs,
    file: pending?.file,
    stderr: pending?.stderr,
  };
}
