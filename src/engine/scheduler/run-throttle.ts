import { backoffEnd, hasGivenUp, isThrottled, type KeyState, observeStart, onCleanEnd, onThrottle } from '../../crawl/key-state.js';
import { bucketTake, bucketWait } from '../../crawl/token-bucket.js';

/**
 * The backoff of a run without keys, when a server says to slow down (429/503): the run is one
 * key, and backs off as a key does (crawl/key-state.ts). No input starts until the wait is
 * over: its Retry-After (capped), else exponential backoff with full jitter. Its rate is
 * halved from the rate it was seen starting inputs at, and then inputs start one at a time,
 * spread evenly, the rate climbing back after each clean window; once back there, the run
 * is let loose again (a key's slow start is not kept: without keys the run has no
 * limits of its own to grow back into). Was: after each wait every waiting input started at
 * once, and a server allowing 10 requests a second answered 429 three times for each page it
 * served (100 pages, --threads 2 --concurrency 20). Signals of inputs that were in flight
 * when the latest came are of its burst: they make the wait no longer than they ask, and do
 * not count again. Throttled with no input ending well for longer than the most it may bear,
 * the run gives up on what is throttled: the inputs waiting fail when it does, the wait cut
 * short for it, but only when more than one input was throttled in that time: signals of
 * one input alone (a page that always answers 503) are that page's, which fails alone once
 * throttled past the most it may bear (throttles.ts), and the rest goes on (was: in input
 * order, the inputs held behind it filled the read-ahead, so that page was the only one left
 * to try, its 503s kept the run throttled, and the run gave up on every input read after: 137
 * of 200 healthy pages failed, unrequested). Until its first signal a run only counts its
 * starts, a batch at a time.
 */
export class RunThrottle {
  private readonly pace: KeyState = { running: 0 };
  /** Signals counted: a burst from inputs in flight when the first came counts once. */
  signals = 0;
  /** The inputs (their index) whose signals came since the run was last fine: one alone never gives up the run. */
  private readonly throttledInputs = new Set<number>();

  constructor(
    private readonly maxRetryAfterMs: number,
    private readonly maxThrottleMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** `count` inputs start at `now`: for the rate the run is seen at; paced, the one takes its turn. */
  started(count: number, now: number): void {
    observeStart(this.pace, now, count);
    if (this.pace.bucket) bucketTake(this.pace.bucket, now);
  }

  /**
   * A throttle signal of an input that started at `startedAt`: when it may be tried again, or
   * undefined when the run has been throttled too long.
   */
  signal(now: number, retryAfterMs: number | undefined, startedAt: number, input: number): number | undefined {
    if (this.pace.throttle?.since === undefined) this.throttledInputs.clear();
    this.throttledInputs.add(input);
    if (this.givenUp(now)) return undefined;
    const context = { keyIntervalMs: undefined, maxRetryAfterMs: this.maxRetryAfterMs, random: this.random };
    if (onThrottle(this.pace, startedAt, now, { retryAfterMs }, context)) {
      this.signals++;
      // the first start after the wait is its probe: due when the jittered wait ends, not a
      // whole halved interval after the start before (was: the retries of a page throttled
      // again and again 4, 8, 16, 32 s apart to the millisecond, every run in step, past the
      // full-jitter bound; a review of issue 11). The starts after it are paced as halved.
      const { bucket, throttle } = this.pace;
      if (bucket?.nextAt !== undefined) bucket.nextAt = Math.min(bucket.nextAt, throttle!.until);
    }
    return backoffEnd(this.pace.throttle!, this.maxThrottleMs);
  }

  /** Throttled, with no input ending well, for longer than the most it may bear, by more than one input. */
  givenUp(now: number): boolean {
    return this.throttledInputs.size > 1 && hasGivenUp(this.pace, now, this.maxThrottleMs);
  }

  /**
   * An input that started at `startedAt` ended well at `now`: the server is fine again, if it
   * started after the latest signal (one in flight before it says nothing of the server now:
   * with it, a run throttled past --max-throttle went on, its wait cut short for a give-up
   * that no longer came, and tried its throttled inputs again before their Retry-After).
   */
  clean(startedAt: number, now: number): boolean {
    const { throttle } = this.pace;
    if (!throttle) return true;
    if (startedAt <= throttle.signalAt) return false;
    onCleanEnd(this.pace, startedAt, now, undefined);
    // climbed back: loose again, with no slow start (see above)
    delete this.pace.window;
    delete this.pace.movedAt;
    return true;
  }

  /** No input starts before this: a backoff under way, or the next turn of a halved rate. */
  pausedUntil(now: number): number {
    const { throttle, bucket } = this.pace;
    const backoff = throttle ? backoffEnd(throttle, this.maxThrottleMs) : Number.NEGATIVE_INFINITY;
    return bucket ? Math.max(backoff, now + bucketWait(bucket, now)) : backoff;
  }

  /** While the halved rate holds: inputs start one at a time, each at its turn. */
  get paced(): boolean {
    return this.pace.bucket !== undefined;
  }

  /** Backing off now, or throttled with no input ending well since. */
  throttled(now: number): boolean {
    return isThrottled(this.pace, now);
  }
}
