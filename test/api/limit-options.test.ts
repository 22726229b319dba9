import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeLimits } from '../../src/api/limit-options.js';

test('--retry-delay-max is the cap of the backoff, even below --retry-delay', () => {
  assert.deepEqual(normalizeLimits({ retryDelay: '2s', retryDelayMax: '200ms' }).retryDelay, { baseMs: 2000, capMs: 200 });
  assert.deepEqual(normalizeLimits({ retryDelay: '1s', retryDelayMax: '5s' }).retryDelay, { baseMs: 1000, capMs: 5000 });
});

test('the default cap of --retry-delay is 60s, and never below the base', () => {
  assert.deepEqual(normalizeLimits({ retryDelay: '1s' }).retryDelay, { baseMs: 1000, capMs: 60_000 });
  assert.deepEqual(normalizeLimits({ retryDelay: '2m' }).retryDelay, { baseMs: 120_000, capMs: 120_000 });
  assert.equal(normalizeLimits({}).retryDelay, undefined);
});

test('--retry-delay 0 (or 0s) is no wait: retries at once, as without it (was: a usage error)', () => {
  assert.equal(normalizeLimits({ retryDelay: 0 }).retryDelay, undefined);
});

test('a zero duration is read as the CLI reads it: refused, but for retryDelay, at once as a number or as text (was: maxThrottle: 0 taken, retryDelay: "0" refused)', () => {
  for (const [name, value] of [['maxThrottle', 0], ['retryDelayMax', 0], ['maxRetryAfter', '0s'], ['maxThrottle', '0']] as const) {
    assert.throws(() => normalizeLimits({ [name]: value }), { code: 'ERR_USAGE' }, `${name} ${value}`);
  }
  for (const value of [0, '0', '0s', '0.0ms']) assert.equal(normalizeLimits({ retryDelay: value }).retryDelay, undefined, String(value));
  assert.equal(normalizeLimits({ retryDelay: 5 }).retryDelay?.baseMs, 5);
});
