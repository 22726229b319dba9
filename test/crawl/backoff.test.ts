import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffDelay } from '../../src/crawl/backoff.js';

const options = { baseMs: BACKOFF_BASE_MS, capMs: BACKOFF_CAP_MS };

describe('backoff with full jitter', () => {
  test('the n-th wait is a draw times min(cap, base * 2^(n-1))', () => {
    const top = () => 1;
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, options, top)), [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    assert.equal(backoffDelay(3, options, () => 0.5), 2000);
    assert.equal(backoffDelay(3, options, () => 0), 0);
  });

  test('a huge attempt stays at the cap, and an attempt below 1 is the first', () => {
    assert.equal(backoffDelay(5000, options, () => 1), 60_000);
    assert.equal(backoffDelay(0, options, () => 1), 1000);
  });

  test('full jitter: the waits spread over the whole range, not around its middle', () => {
    let seed = 0;
    const draws = Array.from({ length: 1000 }, () => backoffDelay(4, options, () => (seed++ % 1000) / 1000));
    assert.equal(Math.min(...draws), 0);
    assert.equal(Math.max(...draws) > 7990 && Math.max(...draws) < 8000, true);
  });
});
