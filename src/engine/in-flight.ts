import type { Batch } from '../model/batch.js';
import type { AutoBatchSize } from './auto-batch.js';
import type { Deliveries } from './deliveries.js';
import type { Blame, ExecutorListener, ExecutorRun } from '../model/executor.js';
import type { Settlement } from './settlement.js';
import { outputBytes } from './split-run.js';

/**
 * The batches the executor holds, and how far each has been reported: the pipeline's
 * ExecutorListener. What the executor says of a batch it no longer holds (given up for lost
 * by a stop at once) counts for nothing, so that no input is settled twice. Its methods are
 * bound: an executor may pass them on as callbacks.
 */
export class InFlight implements ExecutorListener {
  /** Inputs of each batch with the executor settled so far. */
  private readonly reported = new Map<Batch, number>();

  constructor(
    private readonly settlement: Pick<Settlement, 'ran' | 'lost' | 'cutShort'>,
    private readonly deliveries: Deliveries,
    private readonly sizes: Pick<AutoBatchSize, 'observe' | 'observeOutput' | 'inputBytes'>,
    /** Something changed that the pipeline's loop waits on. */
    private readonly changed: () => void,
    private readonly onFatal: (error: Error, when?: 'now' | 'soon') => void,
  ) {}

  /** The batch goes to the executor. */
  submitted(batch: Batch): void {
    this.reported.set(batch, 0);
  }

  /** Batches with the executor. */
  get count(): number {
    return this.reported.size;
  }

  readonly run = (batch: Batch, from: number, run: ExecutorRun, last: boolean, elapsedMs: number): void => {
    if (!this.reported.has(batch)) {
      run.file?.close(); // given up for lost by stop('now')
      return;
    }
    this.reported.set(batch, from + run.count);
    const bytes = outputBytes(run);
    this.sizes.observeOutput(run.count, bytes);
    // values are a library caller's outcomes, which keep their inputs until taken: held as well
    const keptInputs = run.values && Array.isArray(batch.payload) ? Math.round(run.count * this.sizes.inputBytes) : 0;
    this.settlement.ran(batch, from, run, bytes + keptInputs);
    if (last) {
      this.reported.delete(batch);
      // a batch cut short by stop(): the rest of it never ran (a retry: see cutShort)
      if (from + run.count < batch.count) this.settlement.cutShort(batch, from + run.count);
      if (!batch.isolated && run.count + from === batch.count) this.sizes.observe(batch.count, elapsedMs);
    }
    this.changed();
  };

  readonly lost = (batch: Batch, from: number, blame: Blame): void => {
    if (!this.reported.delete(batch)) return;
    this.settlement.lost(batch, from, blame);
    this.changed();
  };

  readonly free = (): void => this.changed();

  readonly fatal = (error: Error, when?: 'now' | 'soon'): void => this.onFatal(error, when);

  /** The executor would not take the batch (submit() threw): none of it ran. */
  refused(batch: Batch): void {
    if (!this.reported.delete(batch)) return;
    this.deliveries.restNotRun(batch, 0);
    this.changed();
  }

  /** The executor was killed (stop now): what it had reported is delivered; the rest of its batches never ran. */
  abandonAll(): void {
    for (const [batch, reported] of this.reported) this.settlement.cutShort(batch, reported);
    this.reported.clear();
  }
}
