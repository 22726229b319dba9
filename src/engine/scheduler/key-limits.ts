/**
 * What the scheduler asks of a per-key limiter (--key-concurrency, --key-rate, --rate, the
 * backoff of a throttled key). The engine keeps no limits of its own: the local limiter is
 * one implementation; one kept in Redis can be another, for limits across machines.
 */
export interface KeyLimits {
  /** 0 when an input of `key` may start at `now`; else how long to wait; Infinity: until one of the key's inputs ends. */
  wait(key: string, now: number): number;
  /**
   * When a key that wait() sent to wait for an end may start all the same, if it may: a slow
   * start whose inputs have neither started nor ended for a while lets one more in.
   */
  stallAt?(key: string, now: number): number | undefined;
  /** An input of `key` starts: returns its start, to give back to ended(). */
  started(key: string, now: number): number;
  /**
   * The input that started at `startedAt` went to a worker that has reported nothing yet,
   * whose first tasks may reach the outside late (it loads what they import).
   */
  coldStart?(key: string, startedAt: number): void;
  /** It ended; `throttle` when the server said to slow down. */
  ended(key: string, startedAt: number, now: number, throttle?: { retryAfterMs: number | undefined }): void;
  /** The key has been throttled for longer than --max-throttle: its inputs fail. */
  givenUp(key: string, now: number): boolean;
  /** The key is backing off after a throttle signal (for the progress bar). */
  isThrottled?(key: string, now: number): boolean;
}
