import { SHARED } from '../model/batch.js';
import type { Blame, ExecutorRun } from '../model/executor.js';
import { LOCK_DURATION_MS } from './queue-timings.js';
import type { Outstanding } from './outstanding.js';
import type { RunPool } from './run-pool.js';

/** A batch that a live worker held is left alone this long: a holder that died has let go by then. */
const RETRY_HELD_MS = LOCK_DURATION_MS;
/** How often an idle lane looks again for a batch it may take: a held one may have been let go. */
const IDLE_LOOK_MS = 250;

/** What the lane needs of the producer's executor. */
export interface LaneHost {
  /** The run's batches on the queue or running, oldest first. */
  outstanding(): Iterable<Outstanding>;
  /** Takes the batch's job off the queue, saying how many takes of it count; undefined when a live worker holds it (or it is gone). */
  withdraw(entry: Outstanding): Promise<number | undefined>;
  /** The batch is the lane's now, its next take after `takes`; false when it is over, was let go, or the run is stopping. */
  claim(entry: Outstanding, takes: number): boolean;
  /** The batch was taken off the queue but will not run: the run is stopping. */
  drop(entry: Outstanding): void;
  run(entry: Outstanding, from: number, run: ExecutorRun, last: boolean, elapsedMs: number): void;
  lost(entry: Outstanding, blame: Blame): void;
  fatal(error: Error): void;
}

/**
 * The producer's own workers beside the queue (`--procs N` with `--queue`): a local pool that
 * takes the run's oldest batches that no live worker holds off the queue and runs them here, so
 * a run completes with no `prun worker` at all, and shares the work when there are some. It
 * takes only this run's batches, and ends with the run.
 */
export class LocalLane {
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly pool: Promise<RunPool>,
    private readonly host: LaneHost,
  ) {}

  /** A batch went on the queue. */
  poke(): void {
    this.wake?.();
  }

  async serve(): Promise<void> {
    const pool = await this.pool;
    while (!this.ended) {
      await pool.whenRoom(SHARED);
      const entry = this.ended ? undefined : this.pick();
      if (this.ended) break;
      if (!entry) {
        await this.idle();
        continue;
      }
      const takes = await this.host.withdraw(entry);
      if (takes === undefined) {
        entry.triedAt = Date.now();
        continue;
      }
      if (!this.host.claim(entry, takes)) continue;
      const { batch } = entry;
      const failure = await pool.submit(
        { first: batch.first, count: batch.count, payload: batch.payload, separator: batch.separator, attempt: batch.attempt, retried: batch.retried, isolated: batch.isolated, fresh: batch.fresh, origin: batch.origin },
        {
          run: (from, run, last, elapsedMs) => this.host.run(entry, from, run, last, elapsedMs),
          lost: (_from, blame) => this.host.lost(entry, blame),
        },
      );
      if (failure === 'stopped') this.host.drop(entry);
      else if (failure) {
        this.host.fatal(failure);
        return;
      }
    }
  }

  /** Takes no more batches; those it runs finish (or are asked to stop: Ctrl-C), the rest of each reported not run. */
  stop(abortRunning = false): void {
    this.ended = true;
    this.wake?.();
    void this.pool.then((pool) => pool.stop(abortRunning));
  }

  async close(): Promise<void> {
    this.stop();
    await (await this.pool).close();
  }

  async kill(): Promise<void> {
    this.stop();
    await (await this.pool).kill();
  }

  /** The oldest batch on the queue not tried lately. */
  private pick(): Outstanding | undefined {
    const now = Date.now();
    for (const entry of this.host.outstanding()) {
      if (entry.local || !entry.queued) continue;
      if (entry.triedAt === undefined || now - entry.triedAt >= RETRY_HELD_MS) return entry;
    }
    return undefined;
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake?.(), IDLE_LOOK_MS);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}
