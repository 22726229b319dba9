import type { PrunError } from '../errors.js';
import type { Batch } from '../model/batch.js';
import { BRAND, type BatchOrder, type RunReport, type ToWorker } from '../runtime/protocol.js';
import type { RuntimeWorker } from '../runtime/runtime.js';
import { type Held, Ledger } from '../slots/ledger.js';
import { Lifecycle } from '../slots/lifecycle.js';
import type { LongTimeout } from '../runtime/long-timeout.js';

/** A batch on a worker, and how many of its inputs the worker has reported. */
export interface InFlight extends Held {
  /** The worker said the input at `done` has started (and nothing since). */
  running: boolean;
  /** What the worker said as it died when no input was in its own code. */
  lastWords?: RunReport['lastWords'];
  /**
   * When the input at `done` had begun by (performance.now()): the worker's last report of the
   * batch, or its first word that the input runs. How long it ran, should it kill the worker.
   */
  runningSince?: number;
  /** When it was given to the worker (performance.now()). */
  heldAt: number;
  /** How many batches the worker had been given before it, this one included (WorkerSlot.given). */
  givenAs: number;
  /** Asked back for an idle worker (Pool.steal): it is given back unless a lane has begun it. */
  withdrawing?: boolean;
  /**
   * The worker has said anything of the batch. One that tells (one lane, or a batch of
   * suspects) says so before its first input starts: until then none of it ran.
   */
  started: boolean;
}

/** One worker and every batch it holds: when it dies, what it held is known exactly. */
export class WorkerSlot extends Lifecycle {
  /** In the order they were sent, which is the order the worker's lanes take them. */
  readonly ledger = new Ledger<InFlight>();
  /** Inputs sent to it, for --max-tasks-per-child. */
  tasksGiven = 0;
  /** When it last said anything, or was last given work while idle: for the watchdog. */
  lastHeard = 0;
  /**
   * Why the pool ended it, when the pool did ('grace': still busy past the grace after it was
   * told to end; 'unneeded': started with the pool, ended before it was given the script;
   * 'killed': the run was ended at once).
   */
  endedFor: 'stuck' | 'blocked' | 'grace' | 'unneeded' | 'killed' | undefined;
  /** Why it could not start, when its setup() failed or ran out of time. */
  startFailure: PrunError | undefined;
  /** Ends an import or a setup() that runs past --timeout (script/load-error.ts: loadBoundMs). */
  setupTimer: LongTimeout | undefined;
  /** Batches given to it so far. */
  given = 0;
  /** When it was given its first batch (performance.now()). */
  firstGivenAt: number | undefined;
  /**
   * How many it had been given when its latest report came. A worker with a task stuck past
   * --timeout starts nothing more, then reports, then says it is stuck: a batch given after that
   * report never began there (was: a retry of the stuck input given to its free lane meanwhile
   * was taken for one that may have run, and started again as its next attempt but one).
   */
  givenAtReport = 0;
  /** Batches given to it in this turn of the event loop, not sent yet. */
  private unsent: BatchOrder[] = [];

  constructor(readonly worker: RuntimeWorker) {
    super();
  }

  /** Takes a batch, to be sent by sendBatches(). */
  hold(batch: Batch): void {
    const now = performance.now();
    this.firstGivenAt ??= now;
    this.ledger.accept({ batch, done: 0, running: false, started: false, heldAt: now, givenAs: ++this.given });
    this.tasksGiven += batch.count;
    const { id, first, count, attempt, payload, separator } = batch;
    this.unsent.push({ id, first, count, attempt, payload, separator, eager: batch.isolated });
  }

  /**
   * Sends the batches given to it since the last call, as one message. Throws when one cannot
   * be sent (an input structured clone cannot carry): those before it are sent all the same,
   * one a message, and those after it are not.
   */
  sendBatches(): void {
    if (this.unsent.length === 0) return;
    const batches = this.unsent;
    this.unsent = [];
    try {
      this.worker.send({ brand: BRAND, type: 'batches', batches });
    } catch (error) {
      if (batches.length === 1) throw error;
      for (const batch of batches) this.worker.send({ brand: BRAND, type: 'batches', batches: [batch] });
    }
  }

  /** Whether batches given to it wait to be sent, at the end of this turn. */
  get hasUnsent(): boolean {
    return this.unsent.length > 0;
  }

  /** Sends another message, behind the batches given before it. */
  send(message: ToWorker): void {
    this.sendBatches();
    this.worker.send(message);
  }
}

/**
 * How long after its first batch a worker that has reported nothing counts as cold: time for
 * its first tasks to load what they import (undici, at an isolate's first fetch: up to 460 ms
 * on a busy machine). Was: until its first report, and a worker whose first answers took
 * 500 ms held each key sent to it that long (a review: 200 keys, --threads 4, each key's third
 * request 0.7 s after its second, not 0.2).
 */
export const COLD_WINDOW_MS = 500;

/**
 * Whether a batch given to the slot now may start late, the slot still loading what its first
 * tasks import (Executor.submit). The clock is read only for a slot that has not reported yet:
 * this runs for every batch of every run.
 */
export function isCold(slot: WorkerSlot, now?: number): boolean {
  return slot.givenAtReport === 0 && (slot.firstGivenAt === undefined || (now ?? performance.now()) - slot.firstGivenAt < COLD_WINDOW_MS);
}
