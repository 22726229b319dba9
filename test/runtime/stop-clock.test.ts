import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { onStops, ranSince, runningNow, setRunTimeout, stopBegan, stopEnded } from '../../src/runtime/stop-clock.js';

test('the running clock leaves out a stop told, and listeners hear of it', () => {
  const heard: string[] = [];
  const unlisten = onStops({ began: () => heard.push('began'), ended: (ms) => heard.push(`ended ${ms}`) });
  const before = runningNow();
  stopBegan();
  stopEnded(60_000);
  assert.ok(runningNow() < before, 'a minute told stopped is a minute less run');
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

test('a timer does not fire for the time a stop was told to last', async () => {
  let fired = false;
  const timer = setRunTimeout(() => (fired = true), 30);
  stopBegan();
  stopEnded(10_000);
  await delay(80);
  assert.equal(fired, false, 'ten seconds stopped: it has ten seconds more to go');
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
