import { type Stats } from 'node:fs';
import { fdStats } from '../system/sync-stat.js';
import type { Writable } from 'node:stream';
import { EXIT } from './exit-codes.js';
import { isRegularFile } from '../io/is-regular-file.js';
import { fileWriter } from './file-writer.js';
import type { StderrRelay } from './stderr-file-relay.js';
import type { ExitSignals } from './signals.js';

/** Where the CLI writes results: stdout, unless a takeover gave them a descriptor of their own. */
export interface ResultsOut {
  stream: Writable & { isTTY?: boolean };
  /** Resolves once every result written has reached the real stdout; the exit status it implies. */
  finish(code: number): Promise<number>;
  /** The relay process that writes them, when there is one: prun's own, never the user's. */
  relayPid?: number;
  /** They go to a file the user named instead of stdout (`--results FILE.csv`): how it is named. */
  fileName?: string;
  /**
   * Stops the relay, when its reader does not read, once it has said what got out: what it has
   * not written never will be (stdout-relay.ts).
   */
  abandon?(): Promise<void>;
}

let taken: ResultsOut | undefined;
/** What fd 1 was before a takeover pointed it at stderr: the file or pipe results go to. */
let stdoutBefore: Stats | undefined;

/** Noted by the stdout takeover before it moves fd 1. */
export function noteStdout(stats: Stats): void {
  stdoutBefore = stats;
}

/** The file or pipe results go to, a takeover or not; undefined when stdout is closed. */
export function stdoutStats(): Stats | undefined {
  if (stdoutBefore) return stdoutBefore;
  try {
    return fdStats(1);
  } catch {
    return undefined;
  }
}

/** Set once, by the stdout takeover (src/cli/stdout-takeover.ts), before any worker starts. */
export function setResultsOut(out: ResultsOut): void {
  taken = out;
}

/** The file the user named for the results instead of stdout, if any. */
export function resultsFileName(): string | undefined {
  return taken?.fileName;
}

/** Results on a regular file without a takeover: written whole or failed (file-writer.ts). */
let onFile: Writable | undefined;

/** The stream results go to; asked when writing, so a takeover is always seen. */
export function resultsStream(): Writable & { isTTY?: boolean } {
  if (taken) return taken.stream;
  if (onFile === undefined && isRegularFile(1)) onFile = fileWriter(1);
  return onFile ?? process.stdout;
}

/** The relay that carries fd 1 to a stderr that is a regular file, when the takeover started one. */
let stderrRelay: StderrRelay | undefined;

/** Set once, by the stdout takeover, with fd 1 leading to it. */
export function setStderrRelay(relay: StderrRelay): void {
  stderrRelay = relay;
}

/**
 * Called once the writing was given up on a reader that did not read: results still on their
 * way to it go no further than the relay of stdout, if there is one, so that what got out is
 * what the run counts and logs (was: the relay delivered them after prun, with no row).
 */
export async function abandonResults(): Promise<void> {
  await taken?.abandon?.();
}

/** Processes prun started for itself, which ending the user's processes must spare. */
export function ownHelperPids(): number[] {
  return [taken?.relayPid, stderrRelay?.pid].filter((pid) => pid !== undefined);
}

/** The stopping signals heard while prun waits at the exit, handed over by the run once it is over. */
let exitSignals: ExitSignals | undefined;

export function hearSignalsAtExit(signals: ExitSignals): void {
  exitSignals = signals;
}

/**
 * Waits until what was written has reached its readers, and returns the exit status. Unless
 * stdout's reader is gone (141): nothing would read what is left. Told to end now (a second
 * Ctrl-C, or the end of the grace), during the run or during this wait, it waits no more: what
 * the readers did not take of stderr, or of a relay of stdout, is theirs to read after prun.
 */
export async function flushOutput(code: number): Promise<number> {
  const signals = exitSignals;
  const status = await Promise.race([flushReaders(code), signals ? whenAborted(signals.impatient, code) : new Promise<never>(() => {})]);
  // Ctrl-C on `prun | cat` ends `cat` too: the relay's broken pipe does not hide the signal's
  // exit, whose summary was said (was: 141 under --threads)
  if (status === EXIT.brokenPipe && signals?.interruptedRun) return code;
  // a first signal that came only now: the exit is its, as if it had ended prun
  return signals?.lateExitCode() ?? status;
}

async function flushReaders(code: number): Promise<number> {
  const status = await flushResults(code);
  // last, once nothing more is said: what fd 1 carried reaches stderr before prun's parent goes on
  await stderrRelay?.finish();
  return status;
}

function whenAborted(signal: AbortSignal, code: number): Promise<number> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(code);
    else signal.addEventListener('abort', () => resolve(code), { once: true });
  });
}

async function flushResults(code: number): Promise<number> {
  // a relay of stdout (stdout-takeover.ts) that died makes writes fail as a broken pipe does,
  // whether its reader went or it could not write (a full disk): its end says which
  if (code === EXIT.brokenPipe && taken?.relayPid === undefined) return code;
  const [status] = await Promise.all([taken ? taken.finish(code) : flushed(onFile ?? process.stdout, code), flushed(process.stderr, code)]);
  return status;
}

/**
 * Resolves when everything written to the stream before has been handed to the system, or
 * could not be: a stream that fails now (a terminal that hung up: EIO) has no reader to tell,
 * and its error, unheard, would crash the exit.
 */
export function flushed(stream: Writable, code: number): Promise<number> {
  return new Promise((resolve) => {
    // heard even when it comes after the write's callback, as a failed write's does
    stream.once('error', () => resolve(code));
    stream.write('', () => resolve(code));
  });
}
