import TinyQueue from 'tinyqueue';

interface Entry<T> {
  at: number;
  /** Ties go first in, first out. */
  seq: number;
  item: T;
}

/**
 * Items each with a time of its own, taken soonest first and, at one time, in the order they
 * came. A binary heap (tinyqueue, used nowhere else): adding and taking cost a few steps
 * however many items wait, which is what a line of 500,000 hosts or retries needs.
 */
export class Timeline<T> {
  private readonly heap = new TinyQueue<Entry<T>>([], (a, b) => a.at - b.at || a.seq - b.seq);
  private seq = 0;
  private lastTaken: Entry<T> | undefined;

  add(item: T, at: number): void {
    this.heap.push({ at, seq: this.seq++, item });
  }

  /** Takes the soonest item, if its time is `now` or earlier. */
  takeDue(now: number): T | undefined {
    const head = this.heap.peek();
    if (!head || head.at > now) return undefined;
    this.heap.pop();
    this.lastTaken = head;
    return head.item;
  }

  /** Puts the item takeDue() gave last back in its place: its time, and its rank among ties. */
  putBack(): void {
    if (this.lastTaken) this.heap.push(this.lastTaken);
    this.lastTaken = undefined;
  }

  /** The time of the soonest item. */
  get nextAt(): number | undefined {
    return this.heap.peek()?.at;
  }

  /** Takes every item, soonest first. */
  drain(): T[] {
    const items: T[] = [];
    while (this.heap.length > 0) items.push(this.heap.pop()!.item);
    return items;
  }
}
