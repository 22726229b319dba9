import type { Clock } from '../../src/engine/clock.js';

/**
 * Time that moves only when the test says: timers fire in order as it advances. With a `tick`,
 * every look at the clock also moves it on by that much, as real time passes while code runs;
 * timers that come due so fire at the next advance().
 */
export class FakeClock implements Clock {
  private time = 0;
  private timers: { at: number; fn: () => void; seq: number }[] = [];
  private seq = 0;

  constructor(private readonly tick = 0) {}

  now(): number {
    const time = this.time;
    this.time += this.tick;
    return time;
  }

  after(ms: number, fn: () => void): () => void {
    const timer = { at: this.time + Math.max(0, ms), fn, seq: this.seq++ };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves time on by `ms`, firing the timers that come due on the way. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.fn();
    }
    this.time = end;
  }

  /** When the soonest timer fires, if any. */
  get nextTimer(): number | undefined {
    return this.timers.reduce<number | undefined>((soonest, t) => (soonest === undefined || t.at < soonest ? t.at : soonest), undefined);
  }
}
