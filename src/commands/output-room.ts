import { dirname } from 'node:path';
import { PrunError } from '../errors.js';
import { blockSize, isDiskFull, SCRATCH_ADVICE } from '../io/scratch-dir.js';
import { incompleteOutput } from '../model/failure.js';
import { outputBytes } from './job-output.js';
import type { JobEnd } from './job-results.js';

/**
 * Watches the disks that the jobs of `prun exec` write their output to: the scratch folder's
 * (`scratchDir`, which prun makes inside the folder it names) and --results DIR's. Once one is
 * seen full, it stays so for the rest of the run: a file freed meanwhile (a job's end, a held
 * output written) makes room but gives back no write that failed. `onFull` hears of it once,
 * with the error the run stops on (exit 74), as GNU parallel's does: the jobs that would
 * follow would lose their output too.
 *
 * A disk that is not full when a job ends may have been full while it ran: prun gives room back
 * itself, by taking or removing the files of other jobs, and one given back between a write
 * that failed and the job's end hid that write (was: a job's output printed cut at 32 kB, when
 * another job's file was freed in between; seen in CI). So the room given back while a job ran
 * counts against it: it fails unless the disk had a block to spare without that room.
 */
export class OutputRoom {
  private full: string | undefined;
  /** Room given back so far on the disks of the jobs' output: the job files taken or removed, in whole blocks. */
  private freedBytes = 0;
  private block: number | undefined;

  constructor(
    private readonly scratchDir: string,
    private readonly resultsDir: string | undefined,
    private readonly onFull: (error: PrunError) => void,
  ) {}

  /**
   * A job's end as its lane said it, unless the disk of its output is full: then its output may
   * have lost writes, so it fails with none of it printed (was: printed cut short, the job
   * failed with no reason). Asked at every job's end, before its files are taken, with the room
   * given back (`freed`) when it was sent to its lane, before it could start.
   */
  check(end: JobEnd, freedBefore: number): JobEnd {
    const full = this.seeFull(this.freedBytes - freedBefore);
    if (full === undefined) return end;
    return { failure: incompleteOutput(full, end.failure), stdout: false, stderr: end.stderr };
  }

  /**
   * The folder of the jobs' output whose disk is full, now or since it was first seen so. Also
   * asked before a held output is freed: a disk that filled while a job ran is still full then.
   */
  seeFull(freedSince = 0): string | undefined {
    if (this.full !== undefined) return this.full;
    const full = this.fullFolder(freedSince);
    if (full === undefined) return undefined;
    this.full = full;
    const advice = full === this.resultsDir ? 'make room there' : SCRATCH_ADVICE;
    this.onFull(new PrunError('ERR_OUTPUT', `cannot keep the output of jobs in ${full}: no space left on device; ${advice}`));
    return full;
  }

  /** The room given back so far: a job notes it when it is sent to its lane. */
  get freed(): number {
    return this.freedBytes;
  }

  /**
   * A job file is about to be taken or removed: the room it gives back is counted, in whole
   * blocks. (On --results DIR's disk too, which may be the same: counting more is the safe side.)
   */
  freeing(path: string): void {
    const bytes = outputBytes(path);
    if (bytes === 0) return;
    this.block ??= blockSize(this.scratchDir);
    this.freedBytes += Math.ceil(bytes / this.block) * this.block;
  }

  private fullFolder(freedSince: number): string | undefined {
    if (isDiskFull(this.scratchDir, freedSince)) return dirname(this.scratchDir);
    return this.resultsDir !== undefined && isDiskFull(this.resultsDir, freedSince) ? this.resultsDir : undefined;
  }
}
