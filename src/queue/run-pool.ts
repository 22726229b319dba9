import type { Batch, Placement } from '../model/batch.js';
import type { Blame, Executor, ExecutorRun } from '../model/executor.js';
import { StopOrders } from '../model/stop-orders.js';
import type { RuntimeKind } from '../runtime/runtime.js';

export interface LocalPoolOptions {
  runtime: RuntimeKind;
  workers: number;
  concurrency: number;
  memoryLimitMb: number | undefined;
  /** Where the pool's one-line notices go (prun worker's stderr); none: they are not said. */
  notice?: (line: string) => void;
}

/** What becomes of one batch in the local pool. */
export interface BatchSink {
  run(from: number, run: ExecutorRun, last: boolean, elapsedMs: number): void;
  lost(from: number, blame: Blame): void;
  /** The run is over and its pool dropped (drop()): the batch is never reported. */
  dropped?(): void;
}

/**
 * One run's batches on this worker machine: the same executor as a local run, fed batches
 * from the queue instead of from a pipeline. Batches get ids of this pool's own, since
 * a job delivered twice (a stall) must not clash with itself.
 */
export class RunPool {
  private readonly pool: Executor;
  private readonly sinks = new Map<number, BatchSink>();
  private nextId = 1;
  private waiters: (() => void)[] = [];
  private failure: Error | undefined;
  private ended = false;
  private readonly stops = new StopOrders();
  private dropped = false;
  /** Batches that wait to run alone, or one that runs: nothing else starts meanwhile. */
  private soleWanted = 0;
  private soleHeld = false;
  lastUsed = Date.now();
  private readonly ahead: boolean;

  /**
   * `executor`: the worker pool for a script, shell lanes for a command, as a local run has.
   * `ahead`: whether a busy slot may be given a batch to start after its running one, as a
   * local run's pipeline does unless it halts (--halt) or limits keys.
   */
  constructor(executor: Executor, options: { ahead: boolean }) {
    this.pool = executor;
    this.ahead = options.ahead;
    this.pool.start({
      run: (batch, from, run, last, elapsedMs) => {
        const sink = this.sinks.get(batch.id);
        if (last) this.sinks.delete(batch.id);
        sink?.run(from, run, last, elapsedMs);
      },
      lost: (batch, from, blame) => {
        const sink = this.sinks.get(batch.id);
        this.sinks.delete(batch.id);
        sink?.lost(from, blame);
      },
      free: () => this.wake(),
      fatal: (error) => {
        this.failure = error;
        this.wake();
      },
    });
  }

  get idle(): boolean {
    return this.sinks.size === 0;
  }

  /**
   * Runs the batch once the pool has room for it and `mayStart` (asked just before) allows;
   * resolves with the error that keeps this run from running here at all (the script does
   * not load, setup() fails), if any, or 'stopped' when the pool was stopped first or
   * `mayStart` said no (the batch did not run). A pool that is ended never takes it: its
   * job is handed back or left to lapse, never reported done.
   */
  async submit(fields: Omit<Batch, 'id'>, sink: BatchSink, mayStart: () => Promise<boolean> = async () => true, sole = false): Promise<Error | 'stopped' | undefined> {
    this.lastUsed = Date.now();
    // whether mayStart allowed it with nothing awaited since: room found before it was asked may be gone after
    let allowed = false;
    for (;;) {
      if (this.failure) return this.failure;
      if (this.stops.stopped || this.dropped) return 'stopped';
      // a batch that runs alone (within `alone()`, `sole`) waits for nothing else, and holds every other back
      if ((sole || this.soleWanted === 0) && this.pool.room(fields, this.ahead) >= fields.count) {
        if (allowed) break;
        if (!(await mayStart())) return 'stopped';
        allowed = true;
        continue;
      }
      allowed = false;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    const batch: Batch = { ...fields, id: this.nextId++ };
    this.sinks.set(batch.id, sink);
    this.pool.submit(batch, this.ahead);
    return undefined;
  }

  /**
   * Runs `work` with nothing else running in this pool: it waits until no batch is in flight,
   * and no other batch starts until it ends, but those `work` submits with `sole`. A batch
   * whose machine died runs so: if its machine dies again, no other batch of the run here did it.
   */
  async alone<T>(work: () => Promise<T>): Promise<T> {
    this.soleWanted++;
    try {
      while ((this.soleHeld || this.sinks.size > 0) && !this.failure && !this.ended && !this.stops.stopped && !this.dropped) {
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
      this.soleHeld = true;
      return await work();
    } finally {
      this.soleHeld = false;
      this.soleWanted--;
      this.wake();
    }
  }

  /** Resolves once a batch of this placement would start at once, or running here cannot go on. */
  async whenRoom(placement: Placement): Promise<void> {
    while (!this.failure && !this.ended && !this.stops.stopped && this.pool.room(placement, this.ahead) === 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /**
   * Starts no more inputs: running ones finish, the rest of each batch is reported not run.
   * With `abortRunning` (the producer's Ctrl-C), the running ones are asked to stop, as locally.
   */
  stop(abortRunning = false): void {
    // asked each time the worker hears the run is stopping: told once, and once more to abort
    if (!this.stops.take(abortRunning)) return;
    this.pool.stop(abortRunning);
    this.wake();
  }

  /**
   * The run is over (its producer ended it, or is gone): ends the pool's workers at once, and
   * no batch runs or is reported any more: each running one is told it was dropped, one
   * waiting for room is told 'stopped'.
   */
  async drop(): Promise<void> {
    this.dropped = true;
    const sinks = [...this.sinks.values()];
    this.sinks.clear();
    this.end();
    await this.pool.kill();
    for (const sink of sinks) sink.dropped?.();
  }

  /** Ends the pool's workers at once; what they held is no one's to report (handed back). */
  kill(): Promise<void> {
    this.sinks.clear();
    this.end();
    return this.pool.kill();
  }

  close(): Promise<void> {
    this.end();
    return this.pool.close();
  }

  private end(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
