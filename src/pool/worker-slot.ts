import type { Batch } from '../model/batch.js';
import type { RuntimeWorker } from '../runtime/runtime.js';

export type SlotState =
  | 'starting' // loading the script and running setup()
  | 'ready' // takes batches
  | 'retiring' // has run its share of tasks: takes no more, ends when its batches are done
  | 'ending' // told to end: running teardown()
  | 'dead';

/** A batch on a worker, and how many of its inputs the worker has reported. */
export interface InFlight {
  batch: Batch;
  done: number;
  /** The worker said the input at `done` has started (and nothing since). */
  running: boolean;
}

/** One worker and every batch it holds: when it dies, what it held is known exactly. */
export class WorkerSlot {
  state: SlotState = 'starting';
  /** In the order they were sent, which is the order the worker's lanes take them. */
  readonly inFlight = new Map<number, InFlight>();
  /** Inputs sent to it, for --max-tasks-per-child. */
  tasksGiven = 0;
  /** When it last said anything, or was last given work while idle: for the watchdog. */
  lastHeard = 0;
  /** Why the pool ended it, when the pool did. */
  endedFor: 'stuck' | 'blocked' | undefined;
  /** Why it could not start, when its setup() failed or ran out of time. */
  startFailure: string | undefined;
  /** Ends a setup() that runs past --timeout. */
  setupTimer: NodeJS.Timeout | undefined;

  constructor(readonly worker: RuntimeWorker) {}

  /** Holds a batch of suspects, which must run alone. */
  get holdsIsolated(): boolean {
    for (const { batch } of this.inFlight.values()) if (batch.isolated) return true;
    return false;
  }
}
