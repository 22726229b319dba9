import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdleDeaths, MAX_WAIT_MS, REPLACED_AT_ONCE } from '../../src/slots/idle-deaths.js';

test('the first workers to die between inputs are replaced at once, the rest after a wait that doubles up to MAX_WAIT_MS; an input run to its end starts again', () => {
  const deaths = new IdleDeaths();
  const waits = Array.from({ length: REPLACED_AT_ONCE + 8 }, () => deaths.died());
  assert.deepEqual(waits.slice(0, REPLACED_AT_ONCE), [0, 0, 0]);
  assert.deepEqual(waits.slice(REPLACED_AT_ONCE), [250, 500, 1000, 2000, 2000, 2000, 2000, 2000]);
  assert.equal(MAX_WAIT_MS, 2000);
  deaths.ran();
  assert.equal(deaths.died(), 0);
});

test('one line is worth saying for the waits: at the first death whose replacement waits', () => {
  const deaths = new IdleDeaths();
  const first = Array.from({ length: REPLACED_AT_ONCE + 3 }, () => (deaths.died(), deaths.firstToWait));
  assert.deepEqual(first, [false, false, false, true, false, false]);
});
