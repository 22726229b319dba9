import { fdStats } from '../system/sync-stat.js';
import { PrunError } from '../errors.js';
import type { ArgSource } from '../io/arg-groups.js';
import { inputFilesOf } from '../io/open-inputs.js';

/**
 * What stdin is, when the inputs are read from it, settled before it is read: a directory is
 * refused (Node reads one as an empty stream, and the run would succeed with no output); a
 * terminal is said, in one line, since otherwise a run with no INPUT waits in silence for what
 * the user never meant to type. Returns whether the inputs are typed on the terminal.
 */
export function checkStdin(paths: readonly string[], sources: readonly ArgSource[]): boolean {
  if (!inputFilesOf(paths, sources).includes('-')) return false;
  if (isDirectory(0)) throw new PrunError('ERR_INPUT', 'cannot read stdin: is a directory');
  if (!process.stdin.isTTY) return false;
  process.stderr.write('prun: reading inputs from the terminal, one a line; end them with Ctrl-D\n');
  return true;
}

/**
 * The progress display as the flags ask, or by default; never by default while the inputs are
 * typed on the terminal, where each redraw of the bar would erase what is being typed.
 */
export function progressWhile(typing: boolean, asked: boolean | undefined): boolean | undefined {
  return asked ?? (typing ? false : undefined);
}

/**
 * Whether stdin may hold inputs: a pipe, a FIFO, a socket or a file that is not empty, as
 * opposed to a terminal, /dev/null or nothing at all, which someone typing prun's old exec
 * form (`prun exec 'CMD' FILE`) had (cli/exec-argv.ts: refuseOldForm).
 */
export function stdinMayHoldInputs(): boolean {
  try {
    const stat = fdStats(0);
    return stat.isFIFO() || stat.isSocket() || (stat.isFile() && stat.size > 0);
  } catch {
    return false; // closed
  }
}

function isDirectory(fd: number): boolean {
  try {
    return fdStats(fd).isDirectory();
  } catch {
    return false; // closed: read as empty, as Node does
  }
}
