import { DryRunExecutor } from '../commands/dry-run-executor.js';
import { ShellExecutor } from '../commands/shell-executor.js';
import type { Delivery, JobRecord } from '../engine/delivery.js';
import { runPipeline } from '../engine/pipeline.js';
import { usageError } from '../errors.js';
import type { InputSource } from '../io/input-source.js';
import { ProgressTracker } from '../progress/tracker.js';
import { normalizeOptions, type RunOptions } from './options.js';

/** The options of a run of shell commands: those of map that mean something for commands. */
export interface ExecOptions extends Pick<RunOptions, 'workers' | 'ordered' | 'chunksize' | 'retries' | 'timeout' | 'halt'> {
  /** Prefix every line of a command's output with its input and a tab (GNU parallel's --tag). */
  tag?: boolean;
  /** Deliver the commands that would run, one a line, and run none. */
  dryRun?: boolean;
}

export interface StartExecOptions extends ExecOptions {
  /** A /bin/sh command line with GNU parallel's replacement strings ({} {.} {/} {//} {/.} {#} {%} {1}...). */
  command: string;
  /** Lines, or `:::` combinations as made by combinationSource(). */
  source: InputSource;
  /** Each command's stderr, whole, when it ends. Default: prun's stderr. */
  onStderr?: (text: string) => void;
  /** Inputs to leave out (--resume). */
  skip?: (index: number) => boolean;
  /** Told of every settled input (--joblog). */
  journal?: (records: JobRecord[]) => void;
}

/** A run of commands under way, shaped as a run of a script is, so the CLI shows both alike. */
export interface RunningExec {
  deliveries: AsyncIterable<Delivery>;
  tracker: ProgressTracker;
  /** Settles when the first lane is ready, or the run ended before. */
  ready: Promise<void>;
  /** soon: start no more commands, let running ones finish; now: end them too (their whole process groups). */
  stop(mode: 'soon' | 'now'): void;
}

/**
 * The engine's entry for shell commands: the same pipeline as startRun(), with shell lanes
 * where the worker pool would be. Each input's output is its command's stdout, whole; a
 * non-zero exit status or a signal fails the input (`exit 3`, `killed by SIGTERM`).
 */
export function startExec(options: StartExecOptions): RunningExec {
  if (typeof options.command !== 'string' || options.command.trim() === '') {
    throw usageError(`command must be a shell command line, got ${JSON.stringify(options.command)}`);
  }
  const normalized = normalizeOptions({
    workers: options.workers,
    ordered: options.ordered,
    chunksize: options.chunksize,
    retries: options.retries,
    timeout: options.timeout,
    halt: options.halt,
  });
  const tracker = new ProgressTracker();
  const executor = options.dryRun
    ? new DryRunExecutor(options.command)
    : new ShellExecutor({
        command: options.command,
        jobs: normalized.workers,
        timeoutMs: normalized.timeoutMs,
        tag: options.tag === true,
        timings: options.journal !== undefined,
        retries: normalized.retries,
        onStderr: options.onStderr ?? ((text) => void process.stderr.write(text)),
      });
  const pipeline = runPipeline({
    source: options.source,
    executor,
    workers: normalized.workers,
    ordered: normalized.ordered,
    chunksize: normalized.chunksize,
    retries: normalized.retries,
    halt: normalized.halt,
    skip: options.skip,
    journal: options.journal,
    tracker,
  });
  return { deliveries: pipeline.deliveries, tracker, ready: executor.ready, stop: pipeline.stop };
}
