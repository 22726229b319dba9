import { fdStats, fileStats } from '../system/sync-stat.js';

/** Whether two stats (or identities taken from them) are of one file: the same device and inode. */
export function sameFile(a: { dev: number; ino: number }, b: { dev: number; ino: number }): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/**
 * Whether `file` (a path or an open descriptor) is the regular file stderr goes to: prun's own
 * lines are written there, at stderr's offset (a pipe or terminal is not one file to write over).
 */
export function isStderrFile(file: string | number): boolean {
  try {
    const stderr = fdStats(2);
    return stderr.isFile() && sameFile(fileStats(file), stderr);
  } catch {
    return false;
  }
}
