import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private directory for the jobs' output files. In memory (/dev/shm) unless TMPDIR says
 * where: a small output is read into memory once its job ends anyway, and big ones wait in
 * their files only up to a bound (see held-output.ts), so a disk buys little but the cost of
 * writing there; TMPDIR (or `base`, GNU parallel's --tmpdir) is for a /dev/shm too small for
 * one big output.
 */
export function makeScratchDir(base?: string): string {
  const bases = base !== undefined ? [base] : process.env.TMPDIR ? [tmpdir()] : ['/dev/shm', tmpdir()];
  let failure: unknown;
  for (const base of bases) {
    try {
      return mkdtempSync(join(base, 'prun-exec-'));
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}

export function removeScratchDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
