import { accessSync, constants, existsSync, ftruncateSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { JobRecordFormat } from '../commands/job-record.js';
import { compileTemplate } from '../commands/template.js';
import { PrunError, usageError } from '../errors.js';
import { makeDirectory } from '../io/make-directory.js';
import { describeSystemError } from '../io/system-error.js';
import { fileWriter } from './file-writer.js';
import { flushed, setResultsOut } from './results-out.js';

/**
 * What `--results NAME` asks for, as GNU parallel reads NAME: a name ending in .csv, .tsv or
 * .json is one file of records (`-.csv`, `-.tsv`, `-.json`, and `-` for CSV, on stdout);
 * any other name is a directory tree.
 */
export type ResultsTarget = { kind: 'dir'; dir: string } | { kind: 'records'; format: JobRecordFormat; path: string | undefined };

/** What a records file cannot go with: each job must run here, once, with its own output. */
export interface ResultsContext {
  pipe: boolean;
  queue: boolean;
  resume: boolean;
}

export function resultsTarget(name: string, context: ResultsContext): ResultsTarget {
  // a name with replacement strings is a file or folder a job: as a directory tree it would be silent wrong output
  if (compileTemplate(name, false, { where: '--results' }).usesArgs || /\{[#%]\}/.test(name)) {
    throw usageError(`--results ${name}: a name with replacement strings is not supported: give a directory, or a .csv, .tsv or .json file`);
  }
  const format = name === '-' ? 'csv' : (/\.(csv|tsv|json)$/i.exec(name)?.[1]?.toLowerCase() as JobRecordFormat | undefined);
  if (format === undefined) return { kind: 'dir', dir: name };
  const refused = context.pipe ? '--pipe' : context.queue ? '--queue' : context.resume ? '--resume' : undefined;
  // GNU parallel refuses --resume with these too ("not supported yet"): a file of records has no rows to resume by
  if (refused) throw usageError(`--results ${name} does not go with ${refused}`);
  const onStdout = name === '-' || /^-\.(csv|tsv|json)$/i.test(name);
  return { kind: 'records', format, path: onStdout ? undefined : name };
}

/**
 * Makes the --results folder before anything runs, as GNU parallel does: one that cannot be
 * made is one line and exit 2 (was: every job failed on its own mkdir, two lines each).
 */
export function makeResultsDir(dir: string): void {
  try {
    makeDirectory(dir);
  } catch (error) {
    throw new PrunError('ERR_INPUT', `cannot make the --results folder ${dir}: ${describeSystemError(error as NodeJS.ErrnoException)}`);
  }
}

/** A --results file checked as it was opened, not emptied yet. */
export interface RecordsFile {
  /** Empties it and sends the results there instead of stdout: once nothing else can refuse the run. */
  empty(): void;
}

/**
 * Opens the records file, which is emptied first as GNU parallel does, and nothing else is
 * written there. What cannot be written is refused here; emptying waits for empty(), so that a
 * run refused in between (a --joblog that is not one) leaves an earlier run's records as they
 * were (was: emptied). A FIFO or a device is only looked at until then: opening a FIFO waits
 * for its reader.
 */
export function openRecordsFile(path: string): RecordsFile {
  let fd: number | undefined;
  try {
    if (isRegularFile(path)) fd = openSync(path, constants.O_WRONLY);
    else accessSync(existsSync(path) ? path : dirname(path), constants.W_OK);
  } catch (error) {
    throw cannotWrite(path, error);
  }
  return {
    empty() {
      try {
        if (fd === undefined) fd = openSync(path, 'w');
        else ftruncateSync(fd, 0);
      } catch (error) {
        throw cannotWrite(path, error);
      }
      const stream = fileWriter(fd);
      setResultsOut({ stream, finish: (code) => flushed(stream, code) });
    },
  };
}

function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function cannotWrite(path: string, error: unknown): PrunError {
  return new PrunError('ERR_INPUT', `cannot write --results ${path}: ${describeSystemError(error as NodeJS.ErrnoException)}`);
}
