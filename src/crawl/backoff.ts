/** What a throttled key waits without a Retry-After, and a retry with a delay (issue 11, items 3 and 4). */
export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_CAP_MS = 60_000;

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

/**
 * Exponential backoff with full jitter: the n-th wait (n from 1) is uniform in
 * [0, min(cap, base * 2^(n-1))). Of the jitters the AWS Architecture blog compared ("Exponential
 * Backoff And Jitter", 2015), full jitter spread competing clients best: clients that failed
 * together do not come back together. `random` is injected so that tests choose the draw.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(attempt));
  // 2^(n-1) overflows to Infinity for a large n, which the cap takes care of
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** (n - 1));
  return random() * ceiling;
}

/**
 * The first whole millisecond at which a throttle that began at `since`, with no clean end,
 * has lasted longer than `maxThrottleMs` and is given up: no wait of it outlasts this.
 */
export function givesUpAt(since: number, maxThrottleMs: number): number {
  return since + maxThrottleMs + 1;
}
