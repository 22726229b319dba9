import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { onStops, ranSince, setRunTimeout, stopBegan, stopEnded } from '../../src/runtime/stop-clock.js';

test('the time run leaves out a stop told, and listeners hear of it', () => {
  const heard: string[] = [];
  const unlisten = onStops({ began: () => heard.push('began'), ended: (ms) => heard.push(`ended ${ms}`) });
  const start = performance.now();
  stopBegan();
  stopEnded(60_000);
  assert.ok(ranSince(start - 60_000) < 1000, 'a minute told stopped is a minute less run');
  unlisten();
  stopBegan();
  stopEnded(0);
  assert.deepEqual(heard, ['began', 'ended 60000']);
});

test('a timer due while a stop is under way fires only once its end is told, for what is left of it', async () => {
  let fired = false;
  setRunTimeout(() => (fired = true), 20);
  stopBegan();
  // past its time: it has looked, and waits for the stop's end
  await delay(60);
  assert.equal(fired, false);
  stopEnded();
  for (let turns = 0; !fired; turns++) {
    assert.ok(turns < 200, 'it never fired after the stop');
    await delay(5);
  }
});

test('a timer does not fire for the time a stop was told to last, as a worker is told it after the stop', async () => {
  let fired = false;
  const timer = setRunTimeout(() => (fired = true), 50);
  stopBegan();
  // past its time: it has looked, and waits for the stop's end
  await delay(80);
  // told at the end: ten seconds stopped, all of the timer's life so far
  stopEnded(10_000);
  await new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
  assert.equal(fired, false, 'it has run for next to nothing: its 50 ms are still to go');
  timer.clear();
});

test('ranSince leaves out the stops after its start, and one under way', async () => {
  const start = performance.now();
  stopBegan();
  const before = ranSince(start);
  await delay(30);
  assert.ok(ranSince(start) - before < 5, 'a stop under way is no time run');
  stopEnded();
  assert.ok(ranSince(start) < 20, 'the time since the start was stopped, nearly all of it');
  const later = performance.now();
  await delay(30);
  assert.ok(ranSince(later) >= 20, 'a stop before the start is no part of it');
});
