import { dirname } from 'node:path';
import { PrunError } from '../errors.js';
import { isDiskFull, SCRATCH_ADVICE } from '../io/scratch-dir.js';
import { incompleteOutput } from '../model/failure.js';
import type { JobEnd } from './job-results.js';

/**
 * Watches the disks that the jobs of `prun exec` write their output to: the scratch folder's
 * (`scratchDir`, which prun makes inside the folder it names) and --results DIR's. Once one is
 * seen full, it stays so for the rest of the run: a file freed meanwhile (a job's end, a held
 * output written) makes room but gives back no write that failed. `onFull` hears of it once,
 * with the error the run stops on (exit 74), as GNU parallel's does: the jobs that would
 * follow would lose their output too.
 *
 * Since room is given back meanwhile (prun frees the files of the jobs it is done with), the
 * disk as a job ends does not tell whether it was full while the job ran: a write could fail,
 * another job's file be freed, and the job end on a disk with room (was: its output printed
 * cut at 32 kB; seen in CI). So the room is also looked at each time a job file is freed,
 * just after (`given`): room then, less what was freed, is what the disk had just before,
 * and a disk full then is full for the run. Between two frees, room only shrinks; so a disk
 * that filled while a job ran is seen at the first free after, or at the job's end.
 */
export class OutputRoom {
  private full: string | undefined;

  constructor(
    private readonly scratchDir: string,
    private readonly resultsDir: string | undefined,
    private readonly onFull: (error: PrunError) => void,
  ) {}

  /**
   * A job's end as its lane said it, unless the disk of its output is full: then its output may
   * have lost writes, so it fails with none of it printed (was: printed cut short, the job
   * failed with no reason). Asked at every job's end, before its files are taken.
   */
  check(end: JobEnd): JobEnd {
    const full = this.seeFull();
    if (full === undefined) return end;
    return { failure: incompleteOutput(full, end.failure), stdout: false, stderr: end.stderr };
  }

  /**
   * A job file was freed just now, giving `bytes` back: the disk, seen full as it was just
   * before, is full for the rest of the run.
   */
  given(bytes: number): void {
    if (bytes > 0) this.seeFull(bytes);
  }

  /**
   * The folder of the jobs' output whose disk is full, now or since it was first seen so
   * (`givenBack`: as it was before that much room was given back).
   */
  seeFull(givenBack = 0): string | undefined {
    if (this.full !== undefined) return this.full;
    const full = this.fullFolder(givenBack);
    if (full === undefined) return undefined;
    this.full = full;
    const advice = full === this.resultsDir ? 'make room there' : SCRATCH_ADVICE;
    this.onFull(new PrunError('ERR_OUTPUT', `cannot keep the output of jobs in ${full}: no space left on device; ${advice}`));
    return full;
  }

  /** (--results DIR's disk less the room given back too: it may be the same disk, and seeing full errs on the safe side.) */
  private fullFolder(givenBack: number): string | undefined {
    if (isDiskFull(this.scratchDir, givenBack)) return dirname(this.scratchDir);
    return this.resultsDir !== undefined && isDiskFull(this.resultsDir, givenBack) ? this.resultsDir : undefined;
  }
}
