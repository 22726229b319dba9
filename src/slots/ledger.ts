import type { Batch } from '../model/batch.js';

/** A batch accepted, and how many of its inputs, from its first on, have been reported. */
export interface Held {
  readonly batch: Batch;
  done: number;
}

/**
 * The batches one holder owns (a worker, a shell lane, the queue), and how far each got: what
 * makes "every accepted input ends exactly once" true. A batch leaves it when its last run is
 * reported, or when it is released or lost; whatever it held when its holder dies is handed
 * back, each batch with the inputs it still owes. Batches are kept in the order accepted,
 * which is the order a worker's lanes take them.
 */
export class Ledger<H extends Held = Held> {
  private readonly held = new Map<number, H>();
  /** Batches of suspects held, which must run alone. */
  private isolated = 0;

  accept(entry: H): void {
    this.held.set(entry.batch.id, entry);
    if (entry.batch.isolated) this.isolated++;
  }

  get(id: number): H | undefined {
    return this.held.get(id);
  }

  /** Whether `entry` itself is held: not over, not lost, not a batch of the same id accepted since. */
  holds(entry: H): boolean {
    return this.held.get(entry.batch.id) === entry;
  }

  /** Batches held. */
  get load(): number {
    return this.held.size;
  }

  /** It holds a batch of suspects, and so is to take nothing more. */
  get holdsIsolated(): boolean {
    return this.isolated > 0;
  }

  /** The batches held, in the order accepted; one may be released while this runs. */
  entries(): IterableIterator<H> {
    return this.held.values();
  }

  ids(): number[] {
    return [...this.held.keys()];
  }

  /**
   * Whether a report starting at input `from` is the batch's next one. Where delivery is at
   * least once (the queue), a batch can be reported twice: the copy's positions are already
   * reported, and it is dropped.
   */
  isNext(entry: H, from: number): boolean {
    return from === entry.done;
  }

  /**
   * Records `count` more inputs of the batch reported, `last` when the batch is over (it is
   * released). Returns the position they start at. A holder whose reports may come twice asks
   * `isNext` first.
   */
  report(entry: H, count: number, last: boolean): number {
    const from = entry.done;
    entry.done += count;
    if (last) this.release(entry);
    return from;
  }

  /** The batch leaves the ledger (over, or handed back); false when it was not held. */
  release(entry: H): boolean {
    if (!this.holds(entry)) return false;
    this.held.delete(entry.batch.id);
    if (entry.batch.isolated) this.isolated--;
    return true;
  }

  /**
   * Its holder is gone: every batch held, in the order accepted, each with `done` saying how
   * far it got (its inputs from there on did not finish). The ledger is empty after.
   */
  lose(): H[] {
    const lost = [...this.held.values()];
    this.held.clear();
    this.isolated = 0;
    return lost;
  }
}
