import { backoffEnd, hasGivenUp, isThrottled, type KeyState, newKeyState, OBSERVE_MS, onCleanEnd, onThrottle, observeStart, RESTART_IDLE_MS, slowStartIsFresh, windowStall, windowStart } from './key-state.js';
import { givesUpAt } from './backoff.js';
import { intervalOf, type Rate } from './rate.js';
import { SignalTally } from './signal-tally.js';
import type { ThrottleSignal } from './throttle-signal.js';
import { bucketEnded, bucketHeldUntil, bucketHold, bucketIsIdle, bucketTake, bucketWait, type TokenBucket } from './token-bucket.js';

export interface LimitOptions {
  /** At most N inputs of a key running at once. */
  keyConcurrency?: number;
  /** Per key: at most that many starts, spread evenly (a token bucket with a burst of 1). */
  keyRate?: Rate;
  /** Across all keys, the same way. */
  rate?: Rate;
  /** The longest Retry-After honoured: a longer one waits this long. */
  maxRetryAfterMs: number;
  /** A key throttled for longer than this, with no clean end since, gives up. */
  maxThrottleMs: number;
  /** For the backoff's jitter; Math.random unless a test chooses. */
  random?: () => number;
}

/** The limiter's whole state, plain data: what `toState()` gives and the constructor takes back. */
export interface KeyLimiterState {
  keys: [key: string, state: KeyState][];
  global?: TokenBucket;
  signalCount: number;
  throttledResponses: number;
  signals: [key: string, count: number][];
}

/** How many keys' signal counts are kept to name the top few (see SignalTally). */
const SIGNAL_KEYS_KEPT = 1000;
/** Keys looked at for forgetting, per start or end: enough to keep up, since each adds at most one key. */
const SWEEP_STEP = 2;

/**
 * Per-key and global limits on starts, and the backoff of a throttled key (issue 11, items 2
 * and 3). Pure and in-process: the caller passes the time (monotonic ms) and asks, before it
 * starts an input, how long the input's key must wait; nothing here sleeps or sets a timer.
 *
 * A key starts slowly: its first input alone, then one more in flight each time one ends with
 * no throttle signal (or a second goes by with none started or ended), until a signal past that
 * probe (key-state.ts says why). A throttled
 * probe only backs off: one start is no rate to halve.
 *
 * On a throttle signal the key backs off: for its Retry-After (at most maxRetryAfterMs), else
 * for an exponential backoff with full jitter (base 1 s, cap 60 s, n its consecutive signals).
 * Its rate is halved (never below one start a minute, unless keyRate is slower) and climbs back
 * by a quarter of the halved rate after each clean window (a second, or two intervals when
 * longer, whose starts ended with no signal), never above keyRate. Without keyRate the key has
 * no rate until its first signal; the rate halved then is its observed one (its starts in the
 * last second), and once climbed back to it the key has no rate again and starts slowly from
 * what it has in flight: a server that throttled once is not held to a guess for the rest of
 * the crawl, one that throttles again is halved again, and no lane is let loose at once.
 * Throttles of inputs that started before the latest signal (a burst of 429s from inputs in
 * flight) are that signal's: counted in throttledResponses, not in signalCount; they do not
 * halve again, and back off no longer unless a longer Retry-After asks for it.
 *
 * Its state is plain serialisable data (toState(), and the constructor takes it back), so
 * that the queue can keep it in Redis and enforce the same limits across machines; they must
 * then share one clock. Memory stays bounded: a key is forgotten once idle and back to
 * normal (nothing running, no throttle, its bucket holding back no start), and a key idle
 * for maxThrottleMs is forgotten whatever it remembers; a forgotten key starts afresh.
 */
export class KeyLimiter {
  readonly #options: LimitOptions;
  readonly #random: () => number;
  readonly #keyIntervalMs: number | undefined;
  readonly #keys: Map<string, KeyState>;
  readonly #global: TokenBucket | undefined;
  readonly #tally: SignalTally;
  #sweep: Iterator<[string, KeyState]> | undefined;
  #signalCount: number;
  #throttledResponses: number;

  constructor(options: LimitOptions, state?: KeyLimiterState) {
    this.#options = options;
    this.#random = options.random ?? Math.random;
    this.#keyIntervalMs = options.keyRate && intervalOf(options.keyRate);
    const copy = state && structuredClone(state);
    this.#keys = new Map(copy?.keys);
    this.#global = options.rate && (copy?.global ?? { intervalMs: intervalOf(options.rate) });
    this.#tally = new SignalTally(SIGNAL_KEYS_KEPT, copy?.signals);
    this.#signalCount = copy?.signalCount ?? 0;
    this.#throttledResponses = copy?.throttledResponses ?? 0;
  }

  /**
   * 0 when an input of `key` may start at `now` (monotonic ms); else ms to wait; Infinity when
   * only an end of one of this key's running inputs can make room (concurrency). Considers
   * concurrency, the key's slow start, the key's bucket, a backoff under way, the global rate.
   */
  wait(key: string, now: number): number {
    const state = this.#keys.get(key);
    const { keyConcurrency } = this.#options;
    if (state && keyConcurrency !== undefined && state.running >= keyConcurrency) return Infinity;
    // a key starts slowly, its first input alone (key-state.ts, SLOW_START_MAX): an end makes
    // room at once, and a window that stalls opens by one (stallAt)
    if (state && (windowStall(state) ?? Number.NEGATIVE_INFINITY) > now) return Infinity;
    let wait = this.#global ? bucketWait(this.#global, now) : 0;
    // Infinity while an input sent to a cold worker holds the bucket (coldStart): its end, or stallAt, wakes the key
    if (state?.bucket) wait = Math.max(wait, bucketWait(state.bucket, now));
    if (state?.throttle) wait = Math.max(wait, backoffEnd(state.throttle, this.#options.maxThrottleMs) - now);
    // whole milliseconds, never less than the wait: what a timer can be set to
    return wait > 0 ? Math.ceil(wait) : 0;
  }

  /**
   * When a key that waits for an end (Infinity) may start one more all the same: its slow
   * start's window stalls then (key-state.ts, STALLED_WINDOW_MS), or the hold of its input sent
   * to a cold worker ends (coldStart). Undefined when only an end can make room.
   */
  stallAt(key: string, now: number): number | undefined {
    const state = this.#keys.get(key);
    const { keyConcurrency } = this.#options;
    if (!state || (keyConcurrency !== undefined && state.running >= keyConcurrency)) return undefined;
    const stall = windowStall(state);
    const times = [stall !== undefined && stall > now ? stall : undefined, state.bucket && bucketHeldUntil(state.bucket, now)];
    const due = times.filter((at) => at !== undefined);
    return due.length === 0 ? undefined : Math.min(...due);
  }

  /**
   * The input of `key` that started at `startedAt` went to a worker that has reported nothing
   * yet: with a rate, the key starts nothing more until it ends, a second at most
   * (token-bucket.ts, bucketHold).
   */
  coldStart(key: string, startedAt: number): void {
    const bucket = this.#keys.get(key)?.bucket;
    if (bucket) bucketHold(bucket, startedAt);
  }

  /** An input of `key` starts now: takes its tokens and a concurrency place. Returns the start time to give back to ended(). */
  started(key: string, now: number): number {
    let state = this.#keys.get(key);
    if (!state) {
      state = newKeyState();
      if (this.#keyIntervalMs !== undefined) state.bucket = { intervalMs: this.#keyIntervalMs };
      this.#keys.set(key, state);
    }
    windowStart(state, now);
    state.running++;
    delete state.idleSince;
    if (state.bucket) bucketTake(state.bucket, now);
    if (this.#global) bucketTake(this.#global, now);
    if (this.#keyIntervalMs === undefined) observeStart(state, now);
    this.#sweepSome(now);
    return now;
  }

  /** An input of `key` that started at `startedAt` ended. With `throttle`, it was a throttle signal. */
  ended(key: string, startedAt: number, now: number, throttle?: ThrottleSignal): void {
    // a bucket's first start (a key's probe, the run's first input) reached the server before
    // now: the next start counts from here (token-bucket.ts)
    if (this.#global) bucketEnded(this.#global, startedAt, now);
    let state = this.#keys.get(key);
    if (!state) {
      // ended without a start: only a throttle is worth remembering
      if (!throttle) return;
      state = { running: 1 };
      this.#keys.set(key, state);
    }
    if (state.bucket) bucketEnded(state.bucket, startedAt, now);
    state.running = Math.max(0, state.running - 1);
    if (state.running === 0) state.idleSince = now;
    if (throttle) {
      this.#throttledResponses++;
      const context = { keyIntervalMs: this.#keyIntervalMs, maxRetryAfterMs: this.#options.maxRetryAfterMs, random: this.#random };
      if (onThrottle(state, startedAt, now, throttle, context)) {
        this.#signalCount++;
        this.#tally.add(key);
      }
    } else {
      onCleanEnd(state, startedAt, now, this.#keyIntervalMs);
    }
    if (this.#forgettable(state, now)) this.#keys.delete(key);
    this.#sweepSome(now);
  }

  /**
   * The key has been throttled, with no clean end since, for longer than maxThrottleMs: its
   * inputs fail untried, those waiting and those that come while it stays idle. Once it has
   * been idle for maxThrottleMs past giving up, it is forgotten here and its next input starts
   * afresh, as a probe. Was: the sweep alone forgot it, so the first input after such a pause
   * failed untried and the next ones ran.
   */
  givenUp(key: string, now: number): boolean {
    const state = this.#keys.get(key);
    if (state === undefined || !hasGivenUp(state, now, this.#options.maxThrottleMs)) return false;
    if (!this.#forgettable(state, now)) return true;
    this.#keys.delete(key);
    return false;
  }

  /** The key backs off now, or has had a throttle signal with no clean end since. */
  isThrottled(key: string, now: number): boolean {
    const state = this.#keys.get(key);
    return state !== undefined && isThrottled(state, now);
  }

  /** Throttle signals seen per key, most first, at most `top`. A burst from inputs already in flight is one signal. */
  signals(top: number): { key: string; count: number }[] {
    return this.#tally.top(top);
  }

  /** Throttle signals seen, all keys. */
  get signalCount(): number {
    return this.#signalCount;
  }

  /** Throttled responses seen, each of a burst counted. */
  get throttledResponses(): number {
    return this.#throttledResponses;
  }

  /** How many keys the limiter remembers now. */
  get keyCount(): number {
    return this.#keys.size;
  }

  /** The whole state as plain data, a copy: JSON carries it. */
  toState(): KeyLimiterState {
    const state: KeyLimiterState = {
      keys: [...this.#keys],
      signalCount: this.#signalCount,
      throttledResponses: this.#throttledResponses,
      signals: this.#tally.counts,
    };
    if (this.#global) state.global = this.#global;
    return structuredClone(state);
  }

  /**
   * A key may be forgotten when a fresh one would behave the same: nothing running, no
   * backoff, no throttle remembered, its slow start where a fresh key's is or idle for
   * RESTART_IDLE_MS, its bucket idle, and (without keyRate) no start recent
   * enough to count in its observed rate. A key idle for maxThrottleMs is forgotten whatever
   * it remembers (counted from when it gave up, if it did): it has given up, or its reduced
   * rate is older than anything worth keeping.
   */
  #forgettable(state: KeyState, now: number): boolean {
    if (state.running > 0) return false;
    if (state.throttle) {
      // a Retry-After past --max-throttle holds nothing back once the key has given up
      if (backoffEnd(state.throttle, this.#options.maxThrottleMs) > now) return false;
      const { since } = state.throttle;
      // idle since its signal, a key still throttled gives up at maxThrottleMs: it is idle
      // that long counted from then, so that its waiting inputs fail before it is forgotten
      const idleFrom = Math.max(state.idleSince ?? now, since === undefined ? -Infinity : givesUpAt(since, this.#options.maxThrottleMs));
      return now - idleFrom >= this.#options.maxThrottleMs;
    }
    if (!slowStartIsFresh(state) && now - (state.idleSince ?? now) < RESTART_IDLE_MS) return false;
    if (state.bucket && !bucketIsIdle(state.bucket, now)) return false;
    return state.recent === undefined || now - state.recent.at >= 2 * OBSERVE_MS;
  }

  /** Looks at a few keys, round-robin, and forgets those that may be: memory stays bounded with no timer. */
  #sweepSome(now: number): void {
    for (let i = 0; i < SWEEP_STEP; i++) {
      this.#sweep ??= this.#keys.entries();
      const next = this.#sweep.next();
      if (next.done) {
        this.#sweep = undefined;
        return;
      }
      const [key, state] = next.value;
      if (this.#forgettable(state, now)) this.#keys.delete(key);
    }
  }
}
