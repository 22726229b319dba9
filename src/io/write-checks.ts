import { accessSync, closeSync, constants, openSync } from 'node:fs';
import { pathStats } from '../system/sync-stat.js';
import { constants as os } from 'node:os';
import { dirname, resolve } from 'node:path';

/*
 * Checks that a run's output can be written, before anything is emptied or made: a run refused
 * by a later check must leave an earlier run's files as they were (was: `--failed-out` emptied,
 * `--workdir` made, then the run refused for `--results` or a `--joblog` that is not one).
 * They throw the error the open or the mkdir would throw (describeSystemError words it).
 */

/**
 * Throws unless `path` can be opened for writing: a file or FIFO that may be written, a device
 * that opens, or a new file in a folder that may be written to. With `emptied`, a file must
 * also be one that can be emptied.
 */
export function checkWritable(path: string, { emptied }: { emptied: boolean }): void {
  const stats = pathStats(path, { throwIfNoEntry: false });
  if (stats?.isDirectory()) throw systemError('EISDIR');
  // an append-only file (chattr +a) passes access(2), and opens only to append (EPERM
  // otherwise): opened as the emptying will open it, less the truncation, it says so now, not
  // once the run's other files are emptied (was: --failed-out emptied, then --results refused)
  if (stats?.isFile() && emptied) return closeSync(openSync(path, constants.O_WRONLY));
  // a FIFO is not opened to know: its reader would see the end of what it reads
  if (stats?.isFile() || stats?.isFIFO()) return accessSync(path, constants.W_OK);
  // a device or a socket (/dev/stdin of a socketpair, which cannot be opened: ENXIO) is
  if (stats) return closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
  // the folder as the open will walk it: `nodir/../f` needs nodir (was: resolved away by name)
  const folder = pathStats(dirname(path));
  if (!folder.isDirectory()) throw systemError('ENOTDIR');
  accessSync(dirname(path), constants.W_OK);
}

/** Throws unless `dir` is a folder, or `mkdir -p` could make it: its nearest existing ancestor a folder that may be written to. */
export function checkMakeable(dir: string): void {
  let at = resolve(dir);
  let stats = pathStats(at, { throwIfNoEntry: false });
  if (stats?.isDirectory()) return;
  if (stats) throw systemError('EEXIST');
  while (!stats) {
    at = dirname(at);
    stats = pathStats(at, { throwIfNoEntry: false });
  }
  if (!stats.isDirectory()) throw systemError('ENOTDIR');
  accessSync(at, constants.W_OK);
}

function systemError(code: 'EISDIR' | 'ENOTDIR' | 'EEXIST'): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code, errno: -os.errno[code] });
}
