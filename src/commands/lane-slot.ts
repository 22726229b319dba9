import type { LongTimeout } from '../runtime/long-timeout.js';
import type { OutputFile } from '../model/delivery.js';
import type { ItemFailure, ItemStderr } from '../model/run.js';
import { type Held, Ledger } from '../slots/ledger.js';
import { Lifecycle } from '../slots/lifecycle.js';
import type { Lane } from './lane.js';

/** Results of a batch's jobs not yet reported, from its input `done` on. */
export interface PendingRun {
  count: number;
  text: string;
  failures: ItemFailure[];
  durationsMs: number[] | undefined;
  startsMs: number[] | undefined;
  /** The output of the run's one input, when too big for `text`. */
  file: OutputFile | undefined;
  /** What its inputs wrote on stderr, when it is printed in their turn (groupStderr). */
  stderr: ItemStderr[];
}

/** A batch on a lane: its jobs run one after the other, in input order; `done` are reported. */
export interface HeldBatch extends Held {
  /** Each input's arguments, split when the first job is written. */
  args: string[][] | undefined;
  /** Jobs written to the lane. */
  written: number;
  pending: PendingRun | undefined;
  /** When its first job started. */
  startedAt: number | undefined;
}

/** A job in the lane's pipe: the first one is running, the next waits for it. */
export interface LaneJob {
  held: HeldBatch;
  offset: number;
  args: string[];
  /** What each line of its output starts with (--tag, --tagstring), in bytes. */
  tag: string | undefined;
  /** Names its files; never used again by another job (see ShellExecutor.jobLine). */
  stem: string;
  /** The command as it runs, as --results FILE.csv records it (and -v shows it). */
  command: string;
  /** The file its command was written to, when too long for the lane's line. */
  script: string | undefined;
  startedAt: number;
  timer: LongTimeout | undefined;
  /** The --timeout it runs under, from its start (`--timeout N%`: as the median was then, or since). */
  timeoutMs?: number | undefined;
}

/**
 * One job slot (`{%}`) and everything it holds: when its lane dies, what it held is known
 * exactly, down to the job that was running.
 */
export class LaneSlot extends Lifecycle {
  lane: Lane | undefined;
  /** In the order given, which is the order the lane runs their jobs. */
  readonly ledger = new Ledger<HeldBatch>();
  readonly jobs: LaneJob[] = [];
  /** The job prun ended the lane for, when its time ran out. */
  timedOut: LaneJob | undefined;

  constructor(readonly number: number) {
    super();
  }

  /** The first batch with jobs not yet given to the lane. */
  nextToWrite(): HeldBatch | undefined {
    for (const held of this.ledger.entries()) if (held.written < held.batch.count) return held;
    return undefined;
  }

  /** Whether the lane still has jobs of `held`, running or waiting. */
  hasJobsOf(held: HeldBatch): boolean {
    return this.jobs.some((job) => job.held === held);
  }
}
