import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bucketEnded, bucketHeldUntil, bucketHold, bucketIsIdle, bucketRetime, bucketTake, bucketWait, COLD_HOLD_MS, type TokenBucket } from '../../src/crawl/token-bucket.js';
import { seededRandom } from '../helpers/seeded-random.js';

/** The most starts in any window [t, t + windowMs]: what a server counting over a sliding window sees. */
function mostInWindow(starts: number[], windowMs: number): number {
  let most = 0;
  for (let first = 0, last = 0; last < starts.length; last++) {
    while (starts[last]! - starts[first]! > windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/** Starts as a scheduler makes them: it asks, waits what it is told plus some timer lag, and sometimes idles. */
function schedule(bucket: TokenBucket, count: number, lag: () => number): number[] {
  const starts: number[] = [];
  let now = 0;
  while (starts.length < count) {
    now += bucketWait(bucket, now) + lag();
    if (bucketWait(bucket, now) > 0) continue;
    bucketTake(bucket, now);
    starts.push(now);
  }
  return starts;
}

describe('token bucket with a burst of 1', () => {
  test('starts are spread evenly: the first at once, the second an interval and up to 250 ms later (at most two intervals), then one an interval', () => {
    const bucket: TokenBucket = { intervalMs: 125 };
    assert.equal(bucketWait(bucket, 0), 0);
    bucketTake(bucket, 0);
    assert.equal(bucketWait(bucket, 0), 250);
    assert.equal(bucketWait(bucket, 250), 0);
    bucketTake(bucket, 250);
    assert.equal(bucketWait(bucket, 350), 25);
    assert.equal(bucketWait(bucket, 375), 0);
  });

  test("a first request that reaches the server up to an interval and 250 ms late (a worker's first fetch; two intervals at most) leaves at most count + 1 in any window (was: count + 2 past one interval)", () => {
    for (const [count, perMs] of [[8, 1000], [3, 1000], [20, 1000]] as const) {
      const intervalMs = perMs / count;
      const allowance = intervalMs + Math.min(intervalMs, 250);
      for (const late of [0.25, 0.5, 0.75, 0.99].map((share) => share * allowance)) {
        const starts = schedule({ intervalMs }, 200, () => 0);
        const arrivals = [starts[0]! + late, ...starts.slice(1)].sort((a, b) => a - b);
        assert.ok(mostInWindow(arrivals, perMs) <= count + 1, `${count}/${perMs}ms, first ${late} ms late: ${mostInWindow(arrivals, perMs)}`);
      }
    }
  });

  test('no burst after idling: a bucket idle for long still lets one start through, not several', () => {
    const bucket: TokenBucket = { intervalMs: 100 };
    bucketTake(bucket, 0);
    bucketTake(bucket, 10_000);
    assert.equal(bucketWait(bucket, 10_000) > 0, true);
  });

  test('a server counting over any sliding window of the rate period sees at most count + 1, whatever the timer lag', () => {
    for (const [count, perMs] of [[8, 1000], [2, 1000], [30, 60_000], [3, 1000]] as const) {
      for (const seed of [1, 2, 3]) {
        const random = seededRandom(seed);
        // lag of 0-40 ms, now and then a long idle
        const lag = () => (random() < 0.05 ? random() * 5 * perMs : random() * 40);
        const starts = schedule({ intervalMs: perMs / count }, 2000, lag);
        assert.ok(mostInWindow(starts, perMs) <= count + 1, `${count}/${perMs}ms, seed ${seed}: ${mostInWindow(starts, perMs)}`);
      }
    }
  });

  test('a timer firing late is not made up for: the next start is an interval after the late one, never sooner', () => {
    const random = seededRandom(7);
    const starts = schedule({ intervalMs: 125 }, 801, () => random() * 5);
    const gaps = starts.slice(1).map((start, i) => start - starts[i]!);
    assert.ok(gaps.every((gap) => gap >= 125), `smallest gap ${Math.min(...gaps)} ms`);
    const perSecond = (800 * 1000) / starts.at(-1)!;
    assert.ok(perSecond > 7.6 && perSecond <= 8, `${perSecond}/s`);
  });

  test('a new interval moves the next start by the difference', () => {
    const bucket: TokenBucket = { intervalMs: 100 };
    bucketTake(bucket, 0);
    bucketTake(bucket, 200);
    bucketRetime(bucket, 400);
    assert.equal(bucketWait(bucket, 200), 400);
    bucketRetime(bucket, 200);
    assert.equal(bucketWait(bucket, 200), 200);
  });

  test('a bucket is idle once it holds back no start: a fresh one in its place lets nothing start sooner', () => {
    const bucket: TokenBucket = { intervalMs: 100 };
    assert.equal(bucketIsIdle(bucket, 0), true);
    bucketTake(bucket, 0);
    // due two intervals after a bucket's first start; idle once a pause of 1 s past that went
    // by without a start, as a fresh bucket would then answer alike
    assert.equal(!bucketIsIdle(bucket, 1199), true);
    assert.equal(bucketIsIdle(bucket, 1200), true);
    const fresh: TokenBucket = { intervalMs: 100 };
    bucketTake(bucket, 1210);
    bucketTake(fresh, 1210);
    assert.equal(fresh.nextAt, bucket.nextAt);
    // taken late, but less than the pause: the next start is an interval on
    bucketTake(bucket, 1900);
    assert.equal(bucket.nextAt, 2000);
  });

  test('a start held by a cold worker: nothing starts until it ends, or COLD_HOLD_MS pass; then an interval from its end; a bucket held is not idle', () => {
    const bucket: TokenBucket = { intervalMs: 100 };
    bucketTake(bucket, 0);
    bucketHold(bucket, 0);
    assert.deepEqual([bucketWait(bucket, 500), bucketHeldUntil(bucket, 500), bucketIsIdle(bucket, 500)], [Infinity, COLD_HOLD_MS, false]);
    bucketEnded(bucket, 0, 600);
    assert.deepEqual([bucketWait(bucket, 600), bucketHeldUntil(bucket, 600)], [100, undefined]);
    // one that never ends lets the bucket go once the hold is over
    bucketTake(bucket, 700);
    bucketHold(bucket, 700);
    assert.deepEqual([bucketWait(bucket, 700 + COLD_HOLD_MS - 1), bucketWait(bucket, 700 + COLD_HOLD_MS)], [Infinity, 0]);
  });
});
