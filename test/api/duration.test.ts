import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration } from '../../src/api/duration.js';
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
