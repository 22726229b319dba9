/**
 * Counts per key, in bounded memory: a crawl over 500,000 hosts that throttle must not keep
 * 500,000 counters to name the top few. While at most `capacity` keys have been counted the
 * counts are exact; past that, the key with the smallest count makes room and the newcomer
 * inherits its count (the Space-Saving algorithm of Metwally, Agrawal and El Abbadi, 2005): a
 * count may then be too high by what it inherited, and every key counted more than
 * total / capacity times is still there. Its state is `counts`, plain data that serialises.
 */
export class SignalTally {
  readonly counts: [key: string, count: number][];
  /** Where each key sits in `counts`: derived from it, never serialised. */
  readonly #index = new Map<string, number>();

  constructor(
    readonly capacity: number,
    counts: [key: string, count: number][] = [],
  ) {
    this.counts = counts.slice(0, capacity).map(([key, count]) => [key, count]);
    this.counts.forEach(([key], i) => this.#index.set(key, i));
  }

  /** Counts one for `key`. O(1) while the key is known or there is room; O(capacity) when it replaces another. */
  add(key: string): void {
    const at = this.#index.get(key);
    if (at !== undefined) {
      this.counts[at]![1]++;
      return;
    }
    if (this.counts.length < this.capacity) {
      this.#index.set(key, this.counts.push([key, 1]) - 1);
      return;
    }
    let smallest = 0;
    for (let i = 1; i < this.counts.length; i++) if (this.counts[i]![1] < this.counts[smallest]![1]) smallest = i;
    const [evicted, count] = this.counts[smallest]!;
    this.#index.delete(evicted);
    this.counts[smallest] = [key, count + 1];
    this.#index.set(key, smallest);
  }

  /** The `top` keys with the most counts, most first (ties by key, so the order is stable). */
  top(top: number): { key: string; count: number }[] {
    return [...this.counts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, Math.max(0, top))
      .map(([key, count]) => ({ key, count }));
  }
}
