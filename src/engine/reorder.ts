import type { Delivery } from '../model/delivery.js';

/**
 * Holds settled ranges of inputs until every input before them is settled, then emits
 * them: output in input order, however the work finished (a reorder buffer keyed by index).
 */
export class Reorder {
  private next = 0;
  private readonly waiting = new Map<number, { end: number; deliveries: Delivery[] }>();

  constructor(private readonly emit: (delivery: Delivery) => void) {}

  /** The inputs [start, end) are settled as `deliveries` say. */
  add(start: number, end: number, deliveries: Delivery[]): void {
    if (start !== this.next) {
      this.waiting.set(start, { end, deliveries });
      return;
    }
    for (const delivery of deliveries) this.emit(delivery);
    this.next = end;
    for (let range = this.waiting.get(this.next); range; range = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      for (const delivery of range.deliveries) this.emit(delivery);
      this.next = range.end;
    }
  }
}
