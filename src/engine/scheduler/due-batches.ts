import type { Batch } from '../../model/batch.js';
import { Timeline } from './timeline.js';

/** Batches that may not start before a time of their own (a retry's backoff), soonest first. */
export class DueBatches {
  private readonly timeline = new Timeline<Batch>();
  private inputs = 0;

  add(batch: Batch, dueAt: number): void {
    this.timeline.add(batch, dueAt);
    this.inputs += batch.count;
  }

  /** Takes the next batch that is due at `now`. */
  takeDue(now: number): Batch | undefined {
    const batch = this.timeline.takeDue(now);
    if (batch) this.inputs -= batch.count;
    return batch;
  }

  /** When the soonest becomes due. */
  get nextDue(): number | undefined {
    return this.timeline.nextAt;
  }

  get count(): number {
    return this.inputs;
  }

  drain(): Batch[] {
    this.inputs = 0;
    return this.timeline.drain();
  }
}
