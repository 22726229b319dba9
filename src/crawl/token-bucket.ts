/**
 * A token bucket with a burst of 1, kept as plain data (`nextAt`, the time the next start is
 * due) so that it serialises. Starts are spread evenly, `intervalMs` apart: a server counting
 * them over ANY sliding window of `n * intervalMs` sees at most n + 1.
 *
 * A start that comes late (a timer fires late, the scheduler was busy) is not made up for:
 * the next is due an interval after the late start itself. A run under timer lag falls a
 * little short of its rate (8/s with 5 ms of lag: 7.7/s), and in exchange the whole of the
 * bound's "+1" is left for what lies between prun giving out a start and the server seeing
 * the request (a worker's event loop, GC, the network), which prun does not control: made
 * up, a start could follow the one before by a quarter interval less, and that jitter, under
 * load, added up to one request more in a second at a server (tests counting at a real one).
 */
export interface TokenBucket {
  intervalMs: number;
  /** When the next start is due (monotonic ms); absent before the first start. */
  nextAt?: number;
}

/** Milliseconds until a start may take the token: 0 when it may now. */
export function bucketWait(bucket: TokenBucket, now: number): number {
  return bucket.nextAt === undefined ? 0 : Math.max(0, bucket.nextAt - now);
}

/** A start at `now` takes the token. */
export function bucketTake(bucket: TokenBucket, now: number): void {
  bucket.nextAt = now + bucket.intervalMs;
}

/** The bucket starts to spread starts `intervalMs` apart from now on. */
export function bucketRetime(bucket: TokenBucket, intervalMs: number): void {
  if (bucket.nextAt !== undefined) bucket.nextAt += intervalMs - bucket.intervalMs;
  bucket.intervalMs = intervalMs;
}

/**
 * A bucket that holds back no start any more: a fresh one in its place lets nothing start
 * sooner, so the bucket may be forgotten.
 */
export function bucketIsIdle(bucket: TokenBucket, now: number): boolean {
  return bucket.nextAt === undefined || bucket.nextAt <= now;
}
