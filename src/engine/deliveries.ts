import type { Batch } from '../model/batch.js';
import { type Delivery, discard, heldBytes } from '../model/delivery.js';
import type { ProgressTracker } from '../progress/tracker.js';
import { Outbox } from './outbox.js';
import { Reorder } from './reorder.js';

/**
 * Settled inputs on their way to the consumer: through the reorder buffer when the output keeps
 * input order, then into the outbox the consumer pulls from. Keeps the two counts the
 * read-ahead window is bounded by: inputs the consumer has taken, and output bytes it has not.
 */
export class Deliveries {
  readonly outbox: Outbox<Delivery>;
  /** Inputs the consumer has taken the results of. */
  released = 0;
  /** Inputs settled: their output (or failure, or skip) on its way to the consumer. */
  settled = 0;
  /** Bytes of output settled, not yet taken by the consumer. */
  held = 0;
  private readonly reorder: Reorder | undefined;

  constructor(
    ordered: boolean,
    private readonly tracker: ProgressTracker,
    /** The consumer took a delivery: there may be room in the window. */
    onTaken: () => void,
    /** The consumer went away. */
    onReturn: () => void,
  ) {
    this.outbox = new Outbox<Delivery>(
      (delivery) => {
        this.released += delivery.count;
        this.held -= heldBytes(delivery);
        onTaken();
      },
      onReturn,
      discard,
    );
    this.reorder = ordered ? new Reorder(this.emit) : undefined;
  }

  /** The inputs [start, end) are settled as `deliveries` say (output, failures, records). */
  settle(start: number, end: number, deliveries: Delivery[]): void {
    for (const delivery of deliveries) this.held += heldBytes(delivery);
    this.settled += end - start;
    if (start === end) return;
    if (this.reorder) this.reorder.add(start, end, deliveries);
    else for (const delivery of deliveries) this.emit(delivery);
  }

  /** `count` inputs from `first` never ran: halted, stopped, or running could not go on. */
  notRun(first: number, count: number): void {
    this.skip(first, count, 'notRun');
  }

  /** The inputs of a batch from `from` on never ran. */
  restNotRun(batch: Batch, from: number): void {
    this.notRun(batch.first + from, batch.count - from);
  }

  /** `count` inputs from `first` are left out because an earlier run finished them (--resume). */
  resumed(first: number, count: number): void {
    this.skip(first, count, 'resumed');
  }

  /** No more deliveries; the consumer gets `error` after those already queued, if given. */
  end(error?: unknown): void {
    this.outbox.end(error);
  }

  /** Inputs that end with no output, counted as the tracker's `counter` says. */
  private skip(first: number, count: number, counter: 'notRun' | 'resumed'): void {
    if (count === 0) return;
    this.tracker[counter] += count;
    this.settle(first, first + count, [{ type: 'skipped', first, count }]);
  }

  private readonly emit = (delivery: Delivery): void => this.outbox.push(delivery);
}
