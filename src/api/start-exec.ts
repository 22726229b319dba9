import { tagTemplate } from './tag-template.js';
import { DryRunExecutor } from '../commands/dry-run-executor.js';
import type { TemplateOptions } from '../commands/template.js';
import type { JobRecordOptions } from '../commands/job-record.js';
import { ShellExecutor } from '../commands/shell-executor.js';
import { runPipeline } from '../engine/pipeline.js';
import { pipelineFor } from './pipeline-setup.js';
import { usageError } from '../errors.js';
import type { InputSource } from '../io/input-source.js';
import { withinOpenFiles } from '../runtime/open-files.js';
import { ProgressTracker } from '../progress/tracker.js';
import { limitOptionsOf, type LimitOptions } from './limit-options.js';
import { normalizeOptions, type RunOptions } from './options.js';
import { type JournalHooks, type NoticeHook, type RunningWork, controlsOf } from './running.js';

/** The options of a run of shell commands: those of map that mean something for commands. */
export interface ExecOptions extends Pick<RunOptions, 'workers' | 'ordered' | 'chunksize' | 'retries' | 'timeout' | 'halt'>, LimitOptions {
  /** Prefix every line of a command's output with its input and a tab (GNU parallel's --tag). */
  tag?: boolean;
  /**
   * Prefix every line of a command's output with this and a tab (GNU parallel's --tagstring):
   * replacement strings as in the command, their values unquoted.
   */
  tagString?: string;
  /** Deliver the commands that would run, one a line, and run none. */
  dryRun?: boolean;
  /** How the command's replacement strings read (GNU parallel's --plus, -X, --header, -N0). */
  template?: TemplateOptions;
  /** Print each command on stderr as it starts (GNU parallel's -t). */
  showCommands?: boolean;
  /**
   * --pipe: each input names a file in this folder, its job's stdin, removed once the job is
   * over; the command sees no input.
   */
  stdinFrom?: string;
  /** With stdinFrom: `{}` is the file of the job's block, and its stdin is none (GNU parallel's --cat). */
  blockAsFile?: boolean;
  /** The shell each job runs in (`SHELL -c -- COMMAND`): /bin/sh by default. */
  jobShell?: string;
  /** The shell of the lanes that run the jobs one after the other: /bin/sh by default. */
  laneShell?: string;
  /** The least time between the starts of two jobs, in milliseconds (GNU parallel's --delay). */
  delayMs?: number;
  /**
   * GNU parallel's `--timeout N%` as a fraction (2 for 200%): a job is timed out past this
   * times the median runtime of the jobs that succeeded so far. Instead of `timeout`.
   */
  timeoutOfMedian?: number;
  /** Where the jobs run (GNU parallel's --workdir): this process's directory by default. */
  workdir?: string;
  /** Where the jobs' output is kept until printed (GNU parallel's --tmpdir): TMPDIR, else /dev/shm with room, else /tmp, by default. */
  tmpdir?: string;
}

export interface StartExecOptions extends ExecOptions, JournalHooks, NoticeHook {
  /** A /bin/sh command line with GNU parallel's replacement strings ({} {.} {/} {//} {/.} {#} {%} {1}...). */
  command: string;
  /**
   * The command as --dry-run and -v show it, when what runs wraps it (--results, --nice,
   * --process-slot-var): as the user wrote it, as GNU parallel shows it.
   */
  shownCommand?: string;
  /**
   * Lines, or jobs' arguments joined by NUL (combinationSource()), as byte strings
   * (model/byte-string.ts): the bytes of a line or an argument reach its command as they are.
   */
  source: InputSource;
  /** Each command's stderr, whole, when it ends, as a byte string (latin1). Default: prun's stderr. */
  onStderr?: (text: string) => void;
  /**
   * Each command's stderr comes as a `stderr` delivery right after its output, in its turn,
   * rather than to onStderr as it ends (up to 1 MiB of it; more still goes to onStderr).
   */
  groupStderr?: boolean;
  /** --results FILE.csv/.tsv/.json: each job's output is its record, as GNU parallel writes them. */
  records?: JobRecordOptions;
  /** --results DIR: the folder the (wrapped) command writes its output files to. */
  resultsDir?: string;
}

/** A run of commands under way, shaped as a run of a script is, so the CLI shows both alike. */
export type RunningExec = RunningWork;

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
    ...limitOptionsOf(options),
  });
  const tracker = new ProgressTracker();
  const templateOptions = options.template ?? {};
  const onStderr = options.onStderr ?? ((text: string) => void process.stderr.write(text, 'latin1'));
  const jobs = options.dryRun ? normalized.workers : withinOpenFiles(normalized.workers, 'lane', (line) => onStderr(`${line}\n`));
  const tag = tagTemplate(options);
  const executor = options.dryRun
    ? new DryRunExecutor(options.shownCommand ?? options.command, templateOptions, options.stdinFrom !== undefined, tag)
    : new ShellExecutor({
        command: options.command,
        shownCommand: options.shownCommand,
        jobs,
        timeoutMs: normalized.timeoutMs,
        timeoutOfMedian: options.timeoutOfMedian,
        tag,
        timings: options.journal === true,
        retries: normalized.retries,
        template: templateOptions,
        showCommands: options.showCommands === true,
        stdinFrom: options.stdinFrom,
        blockAsFile: options.blockAsFile,
        jobShell: options.jobShell,
        shell: options.laneShell,
        delayMs: options.delayMs,
        inInputOrder: options.halt !== undefined,
        workdir: options.workdir,
        tmpdir: options.tmpdir,
        onStderr,
        groupStderr: options.groupStderr,
        records: options.records,
        resultsDir: options.resultsDir,
      });
  const pipeline = runPipeline(
    pipelineFor(normalized, { source: options.source, executor, skip: options.skip, journal: options.journal === true, tracker, naming: 'bytes' }),
  );
  // the lanes are shells: nothing in prun's own process waits for all of them
  return { deliveries: pipeline.deliveries, encoding: 'latin1', tracker, ready: executor.ready, allReady: executor.ready, ...controlsOf(pipeline) };
}
