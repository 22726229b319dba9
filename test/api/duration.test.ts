import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration, parseSizeMb } from '../../src/api/duration.js';
import { PrunError } from '../../src/errors.js';

test('durations: units, a bare number is seconds, fractions round to whole ms', () => {
  assert.equal(parseDuration('--timeout', '500ms'), 500);
  assert.equal(parseDuration('--timeout', '30'), 30_000);
  assert.equal(parseDuration('--timeout', '2m'), 120_000);
  assert.equal(parseDuration('--timeout', '1000h'), 3_600_000_000);
  assert.equal(parseDuration('--timeout', '0.0015s'), 2);
  // more than 0, however little: 1 ms, never none (was: 0)
  assert.equal(parseDuration('--timeout', '0.0001ms'), 1);
});

test('a duration too long to count in ms is refused as too long, not as no duration (was: "must be a duration such as 500ms")', () => {
  assert.throws(() => parseDuration('--timeout', '100000000000h'), (error: PrunError) => error.code === 'ERR_USAGE' && /^--timeout is too long/.test(error.message));
  for (const bad of ['abc', '-5s', '5d', '']) {
    assert.throws(() => parseDuration('--timeout', bad), (error: PrunError) => error.code === 'ERR_USAGE' && /must be a duration/.test(error.message), bad);
  }
});

test('a zero is refused as a zero, not as no duration (was: "must be a duration such as 500ms", for a user of GNU\'s --timeout 0)', () => {
  for (const zero of ['0', '0s', '0.000ms']) {
    assert.throws(() => parseDuration('--timeout', zero), (error: PrunError) => error.code === 'ERR_USAGE' && /^--timeout must be more than 0/.test(error.message), zero);
  }
});

test('memory sizes: K, M, G and T are powers of 1024 in either case; too small is refused as too small, an unknown letter as no size (was: 1T refused as less than 16M)', () => {
  assert.equal(parseSizeMb('--memory-limit', '512M'), 512);
  assert.equal(parseSizeMb('--memory-limit', '2g'), 2048);
  assert.equal(parseSizeMb('--memory-limit', '1T'), 1024 * 1024);
  assert.equal(parseSizeMb('--memory-limit', '1tb'), 1024 * 1024);
  assert.equal(parseSizeMb('--memory-limit', '65536k'), 64);
  assert.throws(() => parseSizeMb('--memory-limit', '8M'), (error: PrunError) => error.code === 'ERR_USAGE' && /at least 16M/.test(error.message));
  assert.throws(() => parseSizeMb('--memory-limit', '9999999999T'), (error: PrunError) => error.code === 'ERR_USAGE' && /^--memory-limit is too large/.test(error.message));
  for (const bad of ['lots', '1P', '1X', '']) {
    assert.throws(() => parseSizeMb('--memory-limit', bad), (error: PrunError) => error.code === 'ERR_USAGE' && !/at least/.test(error.message), bad);
  }
});
