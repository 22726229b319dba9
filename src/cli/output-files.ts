import { readlinkSync, realpathSync } from 'node:fs';
import { fileStats, linkStats } from '../system/sync-stat.js';
import { basename, dirname, join, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { cannotWrite } from '../io/cannot-write.js';
import { holdFifoReader } from '../io/fifo-reader.js';
import { sameFile } from '../io/same-file.js';
import { checkWritable } from '../io/write-checks.js';
import { exitOnInterrupt } from './signals.js';
import { sayLine } from './stderr-line.js';

/**
 * Refuses a file prun writes that it cannot open for writing (or empty, when it is
 * `emptied`), before anything is emptied or made: `cannot write --failed-out f: no such file
 * or directory`, as opening it would say.
 */
export function checkOutput(flag: string, path: string, emptied: boolean): void {
  try {
    checkWritable(path, { emptied });
  } catch (error) {
    throw cannotWrite(`${flag} ${path}`, error);
  }
}

/**
 * Waits for the readers of the outputs that are FIFOs, before the run starts, where a signal
 * ends the wait in one line with 128+n (was: prun blocked in open(2) once the run had begun,
 * deaf to Ctrl-C and kill, with `mkfifo f; prun ... --failed-out f` and no reader). Each FIFO
 * is held open until the returned function is called, once the outputs have been opened.
 */
export async function awaitReaders(outputs: readonly (readonly [flag: string, path: string | undefined])[]): Promise<() => void> {
  const holds: (() => void)[] = [];
  const release = () => {
    for (const hold of holds.splice(0)) hold();
  };
  for (const [flag, path] of outputs) {
    if (path === undefined) continue;
    const what = `a reader of ${flag} ${path}`;
    const endWait = exitOnInterrupt(sayLine, `waiting for ${what}`);
    try {
      holds.push(await holdFifoReader(path, () => sayLine(`prun: waiting for ${what} (a FIFO)`)));
    } catch (error) {
      release();
      throw error;
    } finally {
      endWait();
    }
  }
  return release;
}

/** The files of a run that a file it empties must not be. */
export interface KeptFiles {
  joblog?: string | undefined;
  failedOut?: string | undefined;
  /** The script the run loads. */
  script?: string | undefined;
  /** The files the inputs are read from (`-` is stdin). */
  inputFiles: readonly string[];
}

/**
 * A file prun writes must be none of the run's other files. One emptied as it opens
 * (--failed-out, --results FILE): an input read from it, the script or the joblog would be
 * lost. A pipe or a FIFO that is also an input would feed what is written back in as inputs:
 * `cat urls | prun map f.ts --failed-out /dev/stdin` looped. One `appended` to (--joblog):
 * its rows would be read back as inputs (was: `--joblog f f` ran its own header as an input,
 * and a joblog of 50,000 rows as input grew without end).
 */
export function refuseToWrite(flag: string, path: string, kept: KeptFiles, appended = false): void {
  const out = identityOf(path);
  // by name too: neither may be there yet (was: `--results k.csv --joblog k.csv` wrote both
  // into one file), symbolic links followed (was: `linkdir/k.csv` and `realdir/k.csv`)
  const where = realName(path);
  const same = (other: string | number): boolean => {
    if (typeof other === 'string' && realName(other) === where) return true;
    const that = out && identityOf(other);
    return that !== undefined && sameFile(that, out!);
  };
  if (kept.joblog !== undefined && same(kept.joblog)) throw usageError(`${flag} ${path} is the --joblog too`);
  if (kept.failedOut !== undefined && same(kept.failedOut)) throw usageError(`${flag} ${path} is the --failed-out too`);
  if (kept.script !== undefined && same(kept.script)) throw usageError(`${flag} ${path} is the script too`);
  // stdin by what it is open on: `--failed-out failed.txt < failed.txt` (was: emptied, and exit 0)
  const input = kept.inputFiles.find((file) => same(file === '-' ? 0 : file));
  if (input === undefined) return;
  const written = flag === '--failed-out' ? 'its failures' : flag === '--joblog' ? 'its rows' : 'what is written there';
  const why = appended || out?.pipe ? `${written} would be read back as inputs` : 'it would be emptied before it is read';
  throw usageError(`${flag} ${path} is ${input === '-' ? 'stdin' : `an input (${input})`} too: ${why}`);
}

/**
 * Refuses an input that is the file or FIFO stdout writes to: the results would be read back
 * as inputs without end (was: `prun map f.ts in.txt >> in.txt` ran 15 million inputs for
 * 300,000, and exit 0: a review), or, the file emptied by `>`, there would be none. cat
 * refuses it too ("input file is output file").
 */
export function refuseStdoutAsInput(inputFiles: readonly string[]): void {
  const out = identityOf(1);
  if (out === undefined) return;
  const input = inputFiles.find((file) => {
    const that = identityOf(file === '-' ? 0 : file);
    return that !== undefined && sameFile(that, out);
  });
  if (input !== undefined) throw usageError(`${input === '-' ? 'stdin' : `input ${input}`} is stdout's file too: the results would be read back as inputs; write them to another file`);
}

/**
 * The name a path will have once it is made: its own real path when it is there, else its
 * folder's real path and its name, a symbolic link to nothing followed to what it names.
 */
function realName(path: string, links = 0): string {
  try {
    return realpathSync(path);
  } catch {
    // missing, or a link to something missing (a few links deep at most: a loop is no file)
    if (links < 8 && linkStats(path, { throwIfNoEntry: false })?.isSymbolicLink()) return realName(resolve(realFolder(path), readlinkSync(path)), links + 1);
    return join(realFolder(path), basename(path));
  }
}

/** The real path of the folder `path` is in, as the system walks it (a link's target is read from there). */
function realFolder(path: string): string {
  try {
    return realpathSync(dirname(path));
  } catch {
    return resolve(dirname(path));
  }
}

/** The identity of a regular file, a pipe or a FIFO, by its path or an open descriptor. */
export function identityOf(file: string | number): { dev: number; ino: number; pipe: boolean } | undefined {
  try {
    const stats = fileStats(file);
    // a terminal or /dev/null is written to, never emptied nor read back
    return stats.isFile() || stats.isFIFO() ? { dev: stats.dev, ino: stats.ino, pipe: stats.isFIFO() } : undefined;
  } catch {
    return undefined;
  }
}
