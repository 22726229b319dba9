import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bucketIsIdle, bucketRetime, bucketTake, bucketWait, type TokenBucket } from '../../src/crawl/token-bucket.js';
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
  test('starts are spread evenly: the first at once, then one an interval', () => {
    const bucket: TokenBucket = { intervalMs: 125 };
    assert.equal(bucketWait(bucket, 0), 0);
    bucketTake(bucket, 0);
    assert.equal(bucketWait(bucket, 0), 125);
    assert.equal(bucketWait(bucket, 100), 25);
    assert.equal(bucketWait(bucket, 125), 0);
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
    bucketRetime(bucket, 400);
    assert.equal(bucketWait(bucket, 0), 400);
    bucketRetime(bucket, 200);
    assert.equal(bucketWait(bucket, 0), 200);
  });

  test('a bucket is idle once it holds back no start: a fresh one in its place lets nothing start sooner', () => {
    const bucket: TokenBucket = { intervalMs: 100 };
    assert.equal(bucketIsIdle(bucket, 0), true);
    bucketTake(bucket, 0);
    assert.equal(!bucketIsIdle(bucket, 99), true);
    assert.equal(bucketIsIdle(bucket, 100), true);
    const fresh: TokenBucket = { intervalMs: 100 };
    bucketTake(bucket, 110);
    bucketTake(fresh, 110);
    assert.equal(fresh.nextAt! >= bucket.nextAt!, true);
  });
});
