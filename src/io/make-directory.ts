import { existsSync, mkdirSync } from 'node:fs';
import { pathStats } from '../system/sync-stat.js';
import { dirname } from 'node:path';

/**
 * `mkdir -p`: makes `path` and the folders missing above it, one at a time from the top.
 * Not `mkdirSync(path, { recursive: true })`: on Linux that spins forever, at 100% CPU, on a
 * path under /proc or /sys (`--results /proc/x/out` hung prun), since those answer ENOENT
 * for a child of a folder that exists, and Node's walk takes ENOENT for a missing parent
 * (https://github.com/Kewton/CommandMate/issues/1774 measured it on Node 18 and 22). Here
 * each mkdir's error is thrown as it comes, and a file where the folder should be is EEXIST,
 * as `mkdir -p` says (was: taken for the folder, and every job of `--results FILE` failed).
 */
export function makeDirectory(path: string): void {
  const missing: string[] = [];
  for (let at = path; !existsSync(at); at = dirname(at)) {
    missing.push(at);
    if (dirname(at) === at) break;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (error) {
      // made meanwhile, by another prun: as good
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  // the mkdir of something there that is no folder throws its own EEXIST
  if (!pathStats(path).isDirectory()) mkdirSync(path);
}
