import type { Clock } from '../../src/engine/clock.js';

/** Time that moves only when the test says: timers fire in order as it advances. */
export class FakeClock implements Clock {
  private time = 0;
  private timers: { at: number; fn: () => void; seq: number }[] = [];
  private seq = 0;

  now(): number {
    return this.time;
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
