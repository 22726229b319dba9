import type { MachineShortage } from '../../progress/tracker.js';

/** What the machine must have for an input to start (--memfree, --load), as GNU parallel asks. */
export interface MachineLimits {
  /** No input starts while less memory than this is available (bytes). */
  memFreeBytes: number | undefined;
  /** No input starts while the machine's load (running processes) is this or more. */
  maxLoad: number | undefined;
}

/** How the machine is now, read when a start is asked for. */
export interface MachineProbes {
  availableMemoryBytes(): number;
  /** Undefined when it cannot be known: GNU parallel then takes the load as too high, and so does this. */
  runningProcesses(): number | undefined;
}

/**
 * How long a closed gate stays closed before the machine is read again. GNU parallel reads the
 * load in the background and sleeps between its looks too; a second is short next to the jobs
 * such limits are for, and reading /proc at every turn of the loop would cost more than it tells.
 */
export const RECHECK_MS = 1000;

/**
 * Under --load, how long after a start the machine is read again: the job just given out is
 * not running yet when the next look comes at once, and every job would start on the load of
 * none (was: `-j4 --load 1` ran four busy jobs at once). A job is a running process within
 * this, and under such a limit ten starts a second is plenty.
 */
export const LOAD_SETTLE_MS = 100;

/**
 * Holds back every start while the machine is short of memory or busy (--memfree, --load):
 * asked before each input is given out, it reads the machine then, and when it is short says
 * until when no input may start. Only new starts wait: what runs goes on (GNU parallel's
 * --memfree also ends the youngest job below half the limit; prun does not).
 */
export class ResourceGate {
  /** Until when the machine, found short, is not read again (unless recheck() says it may have changed). */
  private closedUntil = Number.NEGATIVE_INFINITY;
  /** Under --load, until when the job given out last is given to show in the load. */
  private settlingUntil = Number.NEGATIVE_INFINITY;
  /** What the machine lacked when it was last read; undefined when it had what was asked. */
  shortage: MachineShortage | undefined;

  constructor(
    private readonly limits: MachineLimits,
    private readonly probes: MachineProbes,
  ) {}

  /** An input was given out now: under --load, the next look waits for it to show in the load. */
  started(now: number): void {
    if (this.limits.maxLoad !== undefined) this.settlingUntil = now + LOAD_SETTLE_MS;
  }

  /**
   * Work with the executor changed (an input ended, a worker is free): the machine may have
   * room now, so the next start reads it again rather than waiting out RECHECK_MS (was: under
   * --load, up to a second between one busy job's end and the next one's start). The wait
   * after a start stands: the job given out last must still show in the load.
   */
  recheck(): void {
    this.closedUntil = Number.NEGATIVE_INFINITY;
  }

  /** No input may start before this (in the past: one may start now). */
  pausedUntil(now: number): number {
    if (now < this.settlingUntil) return this.settlingUntil;
    if (now < this.closedUntil) return this.closedUntil;
    this.shortage = this.lacking();
    this.closedUntil = this.shortage === undefined ? Number.NEGATIVE_INFINITY : now + RECHECK_MS;
    return this.closedUntil;
  }

  private lacking(): MachineShortage | undefined {
    const { memFreeBytes, maxLoad } = this.limits;
    if (memFreeBytes !== undefined && this.probes.availableMemoryBytes() < memFreeBytes) return 'memory';
    if (maxLoad !== undefined && (this.probes.runningProcesses() ?? Number.POSITIVE_INFINITY) >= maxLoad) return 'load';
    return undefined;
  }
}
