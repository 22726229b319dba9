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
  /** When the start that opened the bucket (its first, or its first after a pause) started, until it ends (bucketEnded). */
  openedAt?: number;
  /** When a start that went to a cold worker (bucketHold) started, until it ends or COLD_HOLD_MS pass. */
  heldBy?: number;
}

/**
 * The longest a start sent to a cold worker holds its bucket (bucketHold): a first request that
 * has not reached the server by then is not waited for (a page that hangs must not stop its key).
 * Past the slowest first fetch measured on a loaded machine (460 ms); was 1000 ms, and pages
 * that hung on replacement workers (--max-tasks-per-child) paused their keys 1.8 s at a time.
 */
export const COLD_HOLD_MS = 600;

/** Milliseconds until a start may take the token: 0 when it may now. */
export function bucketWait(bucket: TokenBucket, now: number): number {
  if (bucketHeldUntil(bucket, now) !== undefined) return Number.POSITIVE_INFINITY;
  return bucket.nextAt === undefined ? 0 : Math.max(0, bucket.nextAt - now);
}

/**
 * The start at `startedAt` went to a worker that has reported nothing yet: no next start until
 * it ends (then an interval after its end, as bucketEnded does for an opening start), or until
 * COLD_HOLD_MS have passed. A worker's first task reaches the outside late (its first fetch
 * loads undici: 300-460 ms on a busy machine, against a 125 ms interval at 8/s), and the
 * request after it, sent meanwhile, arrived with it: 10 pages in a second at --key-rate 8/s,
 * in 7 crawls of 20, one host each time, in the crawl's first second (a review). FIRST_START_MS
 * covers only the bucket's first start; the second or third may be the first of another
 * worker.
 */
export function bucketHold(bucket: TokenBucket, startedAt: number): void {
  bucket.heldBy = startedAt;
}

/** Until when a cold start holds the bucket (bucketHold), if it does at `now`. */
export function bucketHeldUntil(bucket: TokenBucket, now: number): number | undefined {
  if (bucket.heldBy === undefined) return undefined;
  const until = bucket.heldBy + COLD_HOLD_MS;
  return until > now ? until : undefined;
}

/**
 * What a bucket's first start, or its first after a pause, adds to the interval after it, at
 * most (and never more than an interval). That start most often goes to a worker that has not
 * fetched anything yet, whose request reaches the server late (an isolate's first fetch loads
 * undici: 40 ms on an idle machine, past 125 ms on a busy one), and, arriving with the next
 * one, made one request too many in a second at a server (a review: 10 in a second at 8/s,
 * 3 crawls in 12, each in the crawl's first second). A first request late by less than the
 * interval and this still leaves the bound's "+1" whole; once that start ends, the next counts
 * from its end (bucketEnded), which bounds a first request however late.
 */
const FIRST_START_MS = 250;

/**
 * A bucket not taken for this long past the start it had due starts afresh, as a new one
 * would: forgetting an idle key changes nothing. Longer than a start held back a while by
 * the key's other limits, so that a busy key never pays FIRST_START_MS again.
 */
const PAUSE_MS = 1000;

/** A start at `now` takes the token. */
export function bucketTake(bucket: TokenBucket, now: number): void {
  const opens = restarts(bucket, now);
  bucket.nextAt = now + bucket.intervalMs + (opens ? Math.min(bucket.intervalMs, FIRST_START_MS) : 0);
  if (opens) bucket.openedAt = now;
}

/**
 * A start that began at `startedAt` ended at `now`. When it opened the bucket, its request
 * reached the server at some time before now, maybe long after it started (a worker's first
 * fetch loads undici: past 400 ms on a busy machine): the next start is due an interval after
 * now at the earliest. Was: counted from the start only (and FIRST_START_MS), and a first
 * request later than that arrived with the ones after it, 10 in a second at 8/s.
 */
export function bucketEnded(bucket: TokenBucket, startedAt: number, now: number): void {
  const opened = bucket.openedAt === startedAt;
  const held = bucket.heldBy === startedAt;
  if (!opened && !held) return;
  if (opened) delete bucket.openedAt;
  if (held) delete bucket.heldBy;
  bucket.nextAt = Math.max(bucket.nextAt ?? Number.NEGATIVE_INFINITY, now + bucket.intervalMs);
}

/** Whether a start now is a bucket's first, or the first after a pause. */
function restarts(bucket: TokenBucket, now: number): boolean {
  return bucket.nextAt === undefined || now >= bucket.nextAt + PAUSE_MS;
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
  return bucketHeldUntil(bucket, now) === undefined && restarts(bucket, now);
}
