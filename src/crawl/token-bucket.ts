/**
 * A token bucket with a burst of 1, kept as plain data (`nextAt`, the time the next start is
 * due) so that it serialises. Starts are spread evenly, `intervalMs` apart: a server counting
 * them over ANY sliding window of `n * intervalMs` sees at most n + 1.
 *
 * A start that comes late (a timer fires late, the scheduler was busy) may be made up for: the
 * next one is due an interval after the late start's due time, as long as that is no more
 * than a quarter interval back. So a long run keeps its rate under timer lag, and the bound
 * still holds: with due times d(k+1) >= d(k) + interval and every start t(k) >= d(k), the
 * slack s makes d(k+1) >= t(k) - s + interval, so a window of length W holding starts k..k+m
 * has m * interval <= W + s, and m <= W / interval while s < interval.
 */
export interface TokenBucket {
  intervalMs: number;
  /** When the next start is due (monotonic ms); absent before the first start. */
  nextAt?: number;
}

/** The share of an interval that a late start may make up for (see above: below 1). */
const MAKE_UP = 0.25;

/** Milliseconds until a start may take the token: 0 when it may now. */
export function bucketWait(bucket: TokenBucket, now: number): number {
  return bucket.nextAt === undefined ? 0 : Math.max(0, bucket.nextAt - now);
}

/** A start at `now` takes the token. */
export function bucketTake(bucket: TokenBucket, now: number): void {
  const slack = bucket.intervalMs * MAKE_UP;
  const due = bucket.nextAt === undefined ? now : Math.max(bucket.nextAt, now - slack);
  bucket.nextAt = due + bucket.intervalMs;
}

/** The bucket starts to spread starts `intervalMs` apart from now on. */
export function bucketRetime(bucket: TokenBucket, intervalMs: number): void {
  if (bucket.nextAt !== undefined) bucket.nextAt += intervalMs - bucket.intervalMs;
  bucket.intervalMs = intervalMs;
}

/**
 * A bucket that holds back no start any more: a fresh one in its place lets nothing start
 * sooner (it makes up for no lag), so the bucket may be forgotten.
 */
export function bucketIsIdle(bucket: TokenBucket, now: number): boolean {
  return bucket.nextAt === undefined || bucket.nextAt <= now;
}
