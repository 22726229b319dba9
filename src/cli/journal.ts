import type { RunningWork } from '../api/running.js';
import type { JobRecord } from '../model/delivery.js';
import { usageError } from '../errors.js';
import { FailedOut } from '../io/failed-out.js';
import { finishedInJoblog } from '../io/finished-inputs.js';
import { Joblog, type JoblogEncoding, type JoblogFormat } from '../io/joblog.js';
import { isStderrFile, sameFile } from '../io/same-file.js';
import { checkOutput, identityOf, refuseToWrite } from './output-files.js';
import type { CommonFlags } from './common-options.js';
import { stdoutStats } from './results-out.js';
import { sayLine } from './stderr-line.js';

export interface Journal {
  skip: ((input: string, index: number) => boolean) | undefined;
  /** Appends rows and failed inputs: called by the writer of results once their output is written. */
  record: ((records: readonly JobRecord[]) => void) | undefined;
  close(): void;
}

export const NO_JOURNAL: Journal = { skip: undefined, record: undefined, close() {} };

/** How a command names its inputs in the joblog and in --failed-out. */
export interface JournalOptions {
  /** The joblog's columns: exec writes GNU parallel's. */
  format?: JoblogFormat;
  /** What ends each input in --failed-out: a newline, NUL (-0), exec's -d delimiter (a byte string under latin1). */
  terminator: string;
  /** How inputs are named: UTF-8 text (map), or byte strings written byte for byte (exec, latin1). Default: utf8. */
  encoding?: JoblogEncoding;
  /** The files the inputs are read from (`-` is stdin): --failed-out, emptied as it opens, must be none of them. */
  inputFiles: readonly string[];
  /** The script the run loads, which --failed-out must not empty either. */
  script?: string;
  /** What names an input, from its text or a row's, and a GNU parallel row's Seq (--pipe: a block by its number, not by its scratch path). */
  key?: (text: string, seq?: number) => string;
  /** Another name a row may give an input: the command GNU parallel logged for it. */
  alias?: ((text: string, index: number) => string | undefined) | undefined;
  /** An input as the arguments --failed-out writes, each ended by the terminator (exec: a combination's, each its own). */
  argumentsOf?: (text: string) => string[];
  /** What --failed-out begins with (exec's --header names). */
  header?: readonly string[] | undefined;
}

type JournalFlags = Pick<CommonFlags, 'joblog' | 'resume' | 'resumeFailed' | 'failedOut'>;

/** A journal whose files were checked and whose joblog was read, with --failed-out not emptied yet. */
export interface CheckedJournal {
  /** What the joblog says has run (--resume), to be skipped. */
  skip: Journal['skip'];
  /** Whether the run records its ends: a joblog or --failed-out. */
  records: boolean;
  /** Opens --failed-out, which empties it: once the run has begun. */
  open(): Journal;
  /** Closes the joblog of a run whose journal was never opened (close the journal's instead). */
  close(): void;
}

export const NO_CHECKED_JOURNAL: CheckedJournal = { skip: undefined, records: false, open: () => NO_JOURNAL, close() {} };

/**
 * Opens what a run writes beside its results once the run has begun (`open`: the journal, and
 * exec's --results FILE). Should that fail, the run is ended, and what it started with it,
 * before the error goes on.
 */
export async function openOnceBegun<T>(run: Pick<RunningWork, 'stop' | 'finished'>, open: () => T): Promise<T> {
  try {
    return open();
  } catch (error) {
    run.stop('now');
    await run.finished;
    throw error;
  }
}

/**
 * --joblog, --resume, --resume-failed and --failed-out, wired for a run, in two steps:
 * everything that may refuse the run first, and --failed-out emptied only once the run has
 * begun (open()), so that a run refused meanwhile (a --queue nothing listens at, a --workdir
 * that cannot be made) leaves the last run's failures as they were.
 */
export function checkJournal(flags: JournalFlags, options: JournalOptions): CheckedJournal {
  if (!flags.joblog && flags.failedOut === undefined) return NO_CHECKED_JOURNAL;
  const { key = (text: string) => text, alias, argumentsOf = (text: string) => [text], encoding = 'utf8' } = options;
  // `--failed-out f > f`: results and failures wrote over each other (a review); stdout carries results only
  for (const [flag, path] of [['--joblog', flags.joblog], ['--failed-out', flags.failedOut]] as const) {
    // a joblog must be a regular file (it is read back by --resume): /dev/stderr is no way out for it (was: suggested, then refused),
    // nor for --failed-out when it is stdout's too (`> f 2>&1`)
    const stderrWayOut = flag === '--failed-out' && !isStdout('/dev/stderr');
    if (path && isStdout(path)) throw usageError(`${flag} ${path} is stdout too: stdout carries the results only; give another file${stderrWayOut ? ' (or /dev/stderr)' : ''}`);
  }
  // a file named '-' was made (was), where GNU's tools mean stdout, which carries the results
  if (flags.failedOut === '-') throw usageError('--failed-out - is not supported: stdout carries the results; give a file (or /dev/stderr)');
  // prun's own lines would be written into it, over its rows (`--joblog log 2> log`: was, a
  // joblog --resume then refused as not one); --failed-out may be stderr's file, written through it
  if (flags.joblog && isStderrFile(flags.joblog)) throw usageError(`--joblog ${flags.joblog} is stderr too: prun's messages would be written into it; give another file`);
  // with --resume the failures of the run resumed stay failed: they stay in the file too
  const failuresKept = flags.resume === true && flags.resumeFailed !== true;
  // before the joblog is made: a run refused for it leaves none behind
  if (flags.failedOut !== undefined) checkOutput('--failed-out', flags.failedOut, !failuresKept);
  // before it is opened, which writes its header into an empty file
  if (flags.joblog) refuseToWrite('--joblog', flags.joblog, { inputFiles: options.inputFiles, script: options.script }, true);
  // opened first: that refuses what is not a joblog, and drops a torn last row
  const log = flags.joblog ? Joblog.open(flags.joblog, sayLine, options.format, encoding) : undefined;
  let finished: ReturnType<typeof finishedInJoblog> | undefined;
  try {
    // once the joblog exists, so that it is known for what it is
    if (flags.failedOut !== undefined) refuseToWrite('--failed-out', flags.failedOut, { ...options, joblog: flags.joblog });
    // read before appending: what this run writes must not count as finished
    const resuming = flags.joblog && (flags.resume === true || flags.resumeFailed === true);
    finished = resuming ? finishedInJoblog(flags.joblog!, flags.resumeFailed === true, key, encoding, options.format ?? 'prun') : undefined;
  } catch (error) {
    log?.close();
    throw error;
  }
  const takeAlias = (input: string, index: number): boolean => {
    const other = alias?.(input, index);
    return other !== undefined && other !== key(input) && finished!.take(other);
  };
  // GNU parallel's row first: its command names one input (with {#}, one place), where the
  // text may name several; taken first, an input's text used the row prun wrote for a
  // later input of the same text, which then ran again on every --resume (a review)
  const skip: Journal['skip'] = finished && finished.size > 0 ? (input, index) => finished!.size > 0 && (takeAlias(input, index) || finished!.take(key(input))) : undefined;
  return {
    skip,
    records: true,
    open() {
      // should it fail, the joblog is closed by the checked journal's close()
      const failedOut = flags.failedOut === undefined ? undefined : FailedOut.open(flags.failedOut, { terminator: options.terminator, encoding, append: failuresKept, warn: sayLine, header: options.header });
      return {
        skip,
        record: (records) => {
          // the failed inputs first: a crash between the two writes then runs one again, never loses one
          if (failedOut) failedOut.write(records.filter((record) => !record.ok).map((record) => argumentsOf(record.input)));
          log?.write(records);
        },
        close: () => {
          failedOut?.close();
          log?.close();
        },
      };
    },
    close: () => log?.close(),
  };
}

/** Names of stdout itself: under --threads fd 1 is stderr by the time a path is opened. */
const STDOUT_NAMES = new Set(['/dev/stdout', '/dev/fd/1', '/proc/self/fd/1']);

/**
 * Whether `path` is where the results go: stdout by name, or the regular file stdout is (its
 * writes would land over the results'). Not a pipe reached by another name: `2>&1 | less`
 * with --failed-out /dev/stderr is what was asked for, failures and results in one pipe.
 */
function isStdout(path: string): boolean {
  if (STDOUT_NAMES.has(path)) return true;
  const stdout = stdoutStats();
  const that = identityOf(path);
  return stdout !== undefined && stdout.isFile() && that !== undefined && sameFile(that, stdout);
}
