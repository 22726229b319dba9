import { mkdtempSync, rmSync, type StatsFs, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PrunError } from '../errors.js';
import { describeSystemError } from './system-error.js';

/** Where the scratch folder goes by default when it has room: memory. */
const MEMORY_DIR = '/dev/shm';
/**
 * Free room /dev/shm must have to be chosen by default: Docker gives a container 64 MiB there,
 * which the output held for one slow reader (64 MiB, held-output.ts) fills on its own.
 */
const MEMORY_DIR_MIN_BYTES = 1 << 30;

/**
 * A private directory for the jobs' output files. In memory (/dev/shm, `memoryDir` in tests)
 * when it has room and TMPDIR does not say where: a small output is read into memory once its
 * job ends anyway, and big ones wait in their files only up to a bound (see held-output.ts),
 * so a disk buys little but the cost of writing there; TMPDIR (or `base`, GNU parallel's
 * --tmpdir) is for a /dev/shm too small for one big output. Throws ERR_USAGE, naming the
 * folder, when none can be made.
 */
export function makeScratchDir(base?: string, memoryDir = MEMORY_DIR): string {
  const bases = base !== undefined ? [base] : process.env.TMPDIR || freeBytes(memoryDir) < MEMORY_DIR_MIN_BYTES ? [tmpdir()] : [memoryDir, tmpdir()];
  let failure: { base: string; error: NodeJS.ErrnoException } | undefined;
  for (const base of bases) {
    try {
      // absolute: the jobs use it from --workdir too (was: a relative TMPDIR with --wd failed
      // every job with exit 2, its shell's words on a stderr nobody sees)
      return mkdtempSync(join(resolve(base), 'prun-exec-'));
    } catch (error) {
      failure = { base, error: error as NodeJS.ErrnoException };
    }
  }
  // was: Node's own error, and with --pipe its stack (TMPDIR=/nonexistent)
  const given = base !== undefined ? ' (--tmpdir)' : process.env.TMPDIR ? ' (TMPDIR)' : '';
  throw new PrunError('ERR_USAGE', `cannot make a folder for the jobs' files in ${failure!.base}${given}: ${describeSystemError(failure!.error)}`);
}

/**
 * What the run stops with when something of the jobs' (`what`: "write a --pipe block") cannot
 * be written in the scratch folder `dir` (a full disk): exit 74, and where to find room.
 */
export function scratchWriteError(what: string, dir: string, error: NodeJS.ErrnoException): PrunError {
  return new PrunError('ERR_OUTPUT', `cannot ${what} in ${dirname(dir)}: ${describeSystemError(error)}; ${SCRATCH_ADVICE}`);
}

/** What to do when the scratch folder's disk is full. */
export const SCRATCH_ADVICE = 'give --tmpdir (or TMPDIR) a folder with room';

export function removeScratchDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Whether the disk of `dir` is full, of room or of files: a job whose output went there
 * while it was may have lost some, since a write that fails with ENOSPC says so only to the
 * job, whose exit status need not tell. GNU parallel asks too ("Is the disk full?"), by
 * writing 8 KiB; a disk where a write met ENOSPC has no block left, and one with a block
 * left may have taken every write whole, so that is the line here. `givenBack`: as the disk
 * was before that much room was freed.
 */
export function isDiskFull(dir: string, givenBack = 0): boolean {
  const stats = diskStats(dir);
  if (!stats) return false;
  return freeBytesOf(stats) - givenBack < stats.bsize || (stats.files > 0 && stats.ffree === 0);
}

function freeBytes(dir: string): number {
  const stats = diskStats(dir);
  return stats ? freeBytesOf(stats) : 0;
}

/** Root may write into the blocks a file system keeps back for it; others may not. */
function freeBytesOf(stats: StatsFs): number {
  return (process.getuid?.() === 0 ? stats.bfree : stats.bavail) * stats.bsize;
}

function diskStats(dir: string): StatsFs | undefined {
  try {
    return statfsSync(dir);
  } catch {
    // gone, or not there at all: nothing to say of its room
    return undefined;
  }
}
