import TinyQueue from 'tinyqueue';
import type { Batch } from '../../model/batch.js';

interface Entry {
  dueAt: number;
  /** Ties go first in, first out. */
  seq: number;
  batch: Batch;
}

/** Batches that may not start before a time of their own (a retry's backoff), soonest first. */
export class DueBatches {
  private readonly heap = new TinyQueue<Entry>([], (a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
  private seq = 0;
  private inputs = 0;

  add(batch: Batch, dueAt: number): void {
    this.heap.push({ dueAt, seq: this.seq++, batch });
    this.inputs += batch.count;
  }

  /** Takes the next batch that is due at `now`. */
  takeDue(now: number): Batch | undefined {
    const head = this.heap.peek();
    if (!head || head.dueAt > now) return undefined;
    this.heap.pop();
    this.inputs -= head.batch.count;
    return head.batch;
  }

  /** When the soonest becomes due. */
  get nextDue(): number | undefined {
    return this.heap.peek()?.dueAt;
  }

  get count(): number {
    return this.inputs;
  }

  drain(): Batch[] {
    const batches: Batch[] = [];
    while (this.heap.length > 0) batches.push(this.heap.pop()!.batch);
    this.inputs = 0;
    return batches;
  }
}
