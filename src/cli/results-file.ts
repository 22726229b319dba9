import { openOutput } from '../io/fifo-reader.js';
import type { JobRecordFormat } from '../commands/job-record.js';
import { compileTemplate, type TemplateOptions } from '../commands/template.js';
import { toByteString } from '../model/byte-string.js';
import { PrunError, usageError } from '../errors.js';
import { cannotWrite } from '../io/cannot-write.js';
import { makeDirectory } from '../io/make-directory.js';
import { checkMakeable } from '../io/write-checks.js';
import { describeSystemError } from '../io/system-error.js';
import { fileWriter } from './file-writer.js';
import { appendWhole } from '../io/whole-records.js';
import { checkOutput, type KeptFiles, refuseToWrite } from './output-files.js';
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
  /**
   * How the run reads replacement strings (--rpl, --plus, --header's names once read): one
   * in a folder's name is refused, as in the command.
   */
  template?: TemplateOptions;
  /** The name with -I and its kin made the usual replacement strings, as the command is: checked too (was: `-I @ --results out/@` made a folder `@`). */
  respelled?: string;
}

export function resultsTarget(name: string, context: ResultsContext): ResultsTarget {
  const format = name === '-' ? 'csv' : (/\.(csv|tsv|json)$/i.exec(name)?.[1]?.toLowerCase() as JobRecordFormat | undefined);
  // a name with replacement strings is a file or folder a job: as a directory tree it would be
  // silent wrong output. --header's names count for a folder only: GNU parallel writes a file
  // of records by the name as typed (was, for a commit: `--results {x}.csv` refused: a review)
  // as typed too: the folder is made of the name as typed, where `{}` is one under -I @ as well (a review)
  const [checked, template] = format === undefined ? [[name, context.respelled ?? name], context.template] : [[name], undefined];
  if (checked.some((text) => compileTemplate(toByteString(text), false, { ...template, where: '--results' }).usesArgs || /\{[#%]\}/.test(text))) {
    throw usageError(`--results ${name}: a name with replacement strings is not supported: give a directory, or a .csv, .tsv or .json file`);
  }
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
  resultsDirStep(dir, makeDirectory);
}

/** Refuses a --results folder that `mkdir -p` could not make, before anything is made or emptied. */
export function checkResultsDir(dir: string): void {
  resultsDirStep(dir, checkMakeable);
}

/** Checks or makes the --results folder, in one line when it cannot be made. */
function resultsDirStep(dir: string, step: (dir: string) => void): void {
  try {
    step(dir);
  } catch (error) {
    throw new PrunError('ERR_INPUT', `cannot make the --results folder ${dir}: ${describeSystemError(error as NodeJS.ErrnoException)}`);
  }
}

/** A --results file checked, not emptied yet. */
export interface RecordsFile {
  /** Empties it and sends the results there instead of stdout: once the run has begun. */
  empty(): void;
}

/**
 * The records file, emptied first as GNU parallel does, and nothing else written there. What
 * cannot be written, or is one of the run's other files, is refused here; emptying waits for
 * empty(), so that a run refused in between (a --joblog that is not one, a --queue nothing
 * listens at) leaves an earlier run's records as they were (was: emptied).
 */
export function openRecordsFile(path: string, kept: KeptFiles): RecordsFile {
  checkOutput('--results', path, true);
  refuseToWrite('--results', path, kept);
  return {
    empty() {
      let fd: number;
      try {
        fd = openOutput(path, 'w');
      } catch (error) {
        throw cannotWrite(`--results ${path}`, error);
      }
      // a record the disk cuts short is taken back, as a joblog's row is: the file holds whole
      // records only (was: a torn last one, `1128,:,`, on a full disk: a review)
      const stream = fileWriter(fd, appendWhole);
      setResultsOut({ stream, finish: (code) => flushed(stream, code), fileName: `--results ${path}` });
    },
  };
}
