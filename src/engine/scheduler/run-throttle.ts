import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffDelay, givesUpAt } from '../../crawl/backoff.js';

/**
 * The backoff of a run without keys, when a server says to slow down (429/503): the run is one
 * key, so no input starts until the wait is over — its Retry-After (capped), else exponential
 * backoff with full jitter — and the throttled input is tried again then. Signals of inputs
 * that were in flight when the latest came make the wait no longer than they ask, and do not
 * count again. Throttled with no input ending well for longer than the most it may
 * bear, the run gives up on what is throttled: the inputs waiting fail when it does, the
 * wait cut short for it.
 */
export class RunThrottle {
  private until = Number.NEGATIVE_INFINITY;
  private consecutive = 0;
  private since: number | undefined;
  /** When the latest signal that counted came. */
  private signalAt: number | undefined;
  /** Signals counted: a burst from inputs in flight when the first came counts once. */
  signals = 0;

  constructor(
    private readonly maxRetryAfterMs: number,
    private readonly maxThrottleMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * A throttle signal of an input that started at `startedAt`: when it may be tried again, or
   * undefined when the run has been throttled too long.
   */
  signal(now: number, retryAfterMs: number | undefined, startedAt: number): number | undefined {
    this.since ??= now;
    if (this.givenUp(now)) return undefined;
    // an input that started before the latest signal is of its burst, as a key's (key-state.ts),
    // however short the wait it asked for (was: each of a burst counted after a Retry-After of 0)
    const fresh = this.signalAt === undefined || startedAt > this.signalAt;
    if (fresh) {
      this.consecutive++;
      this.signals++;
      this.signalAt = now;
    }
    // a Retry-After of 0 (or past) is none: taken as such, the run asked again at once (key-state.ts)
    const wait = retryAfterMs !== undefined && retryAfterMs > 0
      ? Math.min(retryAfterMs, this.maxRetryAfterMs)
      : fresh ? backoffDelay(this.consecutive, { baseMs: BACKOFF_BASE_MS, capMs: BACKOFF_CAP_MS }, this.random) : 0;
    // no wait outlasts the run's giving up: what it holds fails then (waiting-line.ts), not
    // after a Retry-After longer than --max-throttle leaves, with one more try each
    this.until = Math.min(Math.max(this.until, now + wait), givesUpAt(this.since, this.maxThrottleMs));
    return this.until;
  }

  /** Throttled, with no input ending well, for longer than the most it may bear. */
  givenUp(now: number): boolean {
    return this.since !== undefined && now - this.since > this.maxThrottleMs;
  }

  /**
   * An input that started at `startedAt` ended well: the server is fine again, if it started
   * after the latest signal (one in flight before it says nothing of the server now: with it,
   * a run throttled past --max-throttle went on, its wait cut short for a give-up that no
   * longer came, and tried its throttled inputs again before their Retry-After).
   */
  clean(startedAt: number): boolean {
    if (this.signalAt !== undefined && startedAt <= this.signalAt) return false;
    this.consecutive = 0;
    this.since = undefined;
    return true;
  }

  /** No input may start before this. */
  get pausedUntil(): number {
    return this.until;
  }
}
