import { describeSystemError, readerGone } from '../io/system-error.js';
import { EXIT } from './exit-codes.js';
import { resultsStream } from './results-out.js';

let saidFailure = false;

/**
 * Writes what was asked for instead of a run (--help, --version, exec's --number-of-cores) to
 * stdout, and resolves to the exit status it earns: 0 once written, 141 when stdout's reader has
 * gone (`prun --help | head -1`, as for results), 74 with prun's one line when it cannot be
 * written (was: `> /dev/full` exited 0 in silence, or 141 for --help; a review).
 */
export function writeAsked(text: string): Promise<number> {
  const out = resultsStream();
  return new Promise((resolve) => {
    const failed = (error: NodeJS.ErrnoException): void => {
      if (readerGone(error)) return resolve(EXIT.brokenPipe);
      // said once: a write fails both ways, and commander writes its help in parts
      if (!saidFailure) process.stderr.write(`prun: cannot write results: ${describeSystemError(error)}\n`);
      saidFailure = true;
      resolve(EXIT.ioError);
    };
    out.once('error', failed);
    out.write(text, (error) => (error ? failed(error) : resolve(EXIT.ok)));
  });
}
