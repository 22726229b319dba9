/** How many of the last runtimes the median is taken over: GNU parallel's remedian keeps 999 a level. */
const KEPT = 999;

/**
 * GNU parallel's `--timeout N%`: a job is timed out past N% of the median runtime of the
 * jobs that succeeded so far (none before the first has). The median of the last 999, as
 * GNU's remedian gives it below 999 jobs (its lower middle, for an even count); a bounded
 * ring, so that memory stays flat however many jobs run.
 */
export class MedianRuntime {
  private readonly last: number[] = [];
  private next = 0;
  private current: number | undefined;

  constructor(private readonly fraction: number) {}

  /** A job succeeded in `ms`. */
  add(ms: number): void {
    if (this.last.length < KEPT) this.last.push(ms);
    else this.last[this.next] = ms;
    this.next = (this.next + 1) % KEPT;
    const sorted = [...this.last].sort((a, b) => a - b);
    this.current = sorted[Math.floor((sorted.length - 1) / 2)];
  }

  /** The timeout now, in ms: none until a job has succeeded. */
  timeoutMs(): number | undefined {
    return this.current === undefined ? undefined : Math.max(1, Math.round(this.current * this.fraction));
  }
}
