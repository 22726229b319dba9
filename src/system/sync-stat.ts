import { fstatSync, lstatSync, type PathLike, type Stats, statSync } from 'node:fs';

/*
 * Node's synchronous stats write their answer into one process-wide buffer, and fs.realpathSync
 * reads that buffer again as if it had just filled it: while it says FIFO or socket,
 * realpathSync stops resolving symbolic links partway (nodejs/node#51142, open). Module
 * resolution uses realpathSync, so a package under a symlinked node_modules (pnpm, npm link)
 * got its link's name in the ES loader and its real one in the CommonJS loader, and an import
 * of a CommonJS package then had an empty namespace: `prun: sq.ts: esbuild.build is not a
 * function`, exit 2, on the first compile of a script fed by a pipe with the progress bar on
 * (a review); a worker's own stat of its stdio could do the same to the user's imports. So
 * every synchronous stat of prun's goes through here, and one that finds a FIFO or a socket is
 * followed by a stat of the root directory, which leaves the buffer saying "directory".
 */

/** `stats`, with the shared buffer left as a directory's when it says FIFO or socket: only those stop realpathSync. */
function settled<T extends Stats | undefined>(stats: T): T {
  if (stats?.isFIFO() || stats?.isSocket()) statSync('/', { throwIfNoEntry: false });
  return stats;
}

/** fstatSync(fd), safe for module resolution after it. */
export function fdStats(fd: number): Stats {
  return settled(fstatSync(fd));
}

/** What statSync and lstatSync take: a name that does not exist gives undefined, not a throw. */
interface NoThrow {
  throwIfNoEntry: false;
}

/** statSync(path), safe for module resolution after it. */
export function pathStats(path: PathLike): Stats;
export function pathStats(path: PathLike, options: NoThrow): Stats | undefined;
export function pathStats(path: PathLike, options?: NoThrow): Stats | undefined {
  return settled(statSync(path, options));
}

/** lstatSync(path) (the link itself, not what it leads to), safe for module resolution after it. */
export function linkStats(path: PathLike): Stats;
export function linkStats(path: PathLike, options: NoThrow): Stats | undefined;
export function linkStats(path: PathLike, options?: NoThrow): Stats | undefined {
  return settled(lstatSync(path, options));
}

/** The stats of a file named by its path or an open descriptor, safe for module resolution after it. */
export function fileStats(file: string | number): Stats {
  return typeof file === 'number' ? fdStats(file) : pathStats(file);
}
