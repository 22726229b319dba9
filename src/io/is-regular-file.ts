import { fdStats } from '../system/sync-stat.js';

/** Whether `fd` is a regular file (a `> out` or `< in` redirection), not a pipe, a FIFO, a terminal. */
export function isRegularFile(fd: number): boolean {
  try {
    return fdStats(fd).isFile();
  } catch {
    return false;
  }
}
