// The run's own throttle, when no --key splits it into keys: Retry-After honoured, else a
// backoff; a Retry-After of 0 is no reason to ask again at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RunThrottle } from '../../../src/engine/scheduler/run-throttle.js';

const MINUTE = 60_000;

test('a Retry-After is waited for, capped by --max-retry-after', () => {
  const throttle = new RunThrottle(5000, 15 * MINUTE, () => 0.5);
  assert.equal(throttle.signal(100, 2000, 0, 0), 2100);
  assert.equal(throttle.signal(3000, 60_000, 2500, 1), 8000);
});

test('Retry-After: 0 backs off as without one, each signal longer (was: tried again at once)', () => {
  const throttle = new RunThrottle(5 * MINUTE, 15 * MINUTE, () => 0.5);
  let now = 0;
  const waits: number[] = [];
  for (let n = 0; n < 3; n++) {
    const startedAt = now;
    now += 10;
    const until = throttle.signal(now, 0, startedAt, n)!;
    waits.push(until - now);
    now = until;
  }
  assert.deepEqual(waits, [500, 1000, 2000]);
});

test('after a signal the run starts one at a time at half the rate it was seen at, climbs back, then is loose again (was: every waiting input at once after each wait)', () => {
  const throttle = new RunThrottle(MINUTE, 15 * MINUTE, () => 0.5);
  throttle.started(10, 0); // ten in the second before the signal: 100 ms apart
  assert.equal(throttle.paced, false);
  assert.equal(throttle.signal(500, 1000, 0, 0), 1500);
  assert.equal(throttle.paced, true);
  assert.equal(throttle.pausedUntil(1000), 1500, 'the Retry-After first');
  throttle.started(1, 1500);
  // 200 ms apart, and the first start after a pause counts a little more (token-bucket.ts)
  assert.equal(throttle.pausedUntil(1500), 1900);
  let now = 1900;
  let windows = 0;
  while (throttle.paced) {
    assert.ok(++windows <= 8, 'climbs back within a few clean windows');
    throttle.started(1, now);
    now += 1000;
    assert.equal(throttle.clean(now - 1000, now), true);
  }
  assert.ok(windows >= 2, `climbed back in ${windows} windows, not at the first clean end`);
  assert.ok(throttle.pausedUntil(now) < now, 'loose again');
});

test('an input in flight at the signal that ends well neither ends the throttle nor climbs', () => {
  const throttle = new RunThrottle(MINUTE, 15 * MINUTE, () => 0.5);
  throttle.started(4, 0);
  throttle.signal(100, 1000, 0, 0);
  assert.equal(throttle.clean(50, 200), false);
  assert.equal(throttle.throttled(2000), true);
  assert.equal(throttle.clean(1500, 1600), true);
  assert.equal(throttle.throttled(2000), false);
});

test('an input throttled again and again: each retry comes when its jittered wait ends, not a halved interval after the last (was: 4, 8, 16, 32 s apart, the same in every run)', () => {
  const throttle = new RunThrottle(MINUTE, 15 * MINUTE, () => 0.25);
  let now = 0;
  const waits: number[] = [];
  for (let n = 0; n < 5; n++) {
    throttle.started(1, now);
    const signalAt = now + 10;
    const until = throttle.signal(signalAt, undefined, now, 0)!;
    const due = throttle.pausedUntil(signalAt);
    assert.equal(due, until, `retry ${n + 1}: due when its wait ends`);
    waits.push(due - signalAt);
    now = due;
  }
  // full jitter over an exponential backoff (base 1 s): a quarter of 1, 2, 4, 8, 16 s
  assert.deepEqual(waits, [250, 500, 1000, 2000, 4000]);
});

test('throttled past --max-throttle by one input alone, the run does not give up: that input fails alone (was: the run gave up on every input, a page that always answers 503 being the only one it tried)', () => {
  const throttle = new RunThrottle(MINUTE, 3000, () => 0.5);
  let now = 0;
  for (let n = 0; n < 5; n++) {
    throttle.started(1, now);
    const until = throttle.signal(now + 10, 1000, now, 7);
    assert.notEqual(until, undefined, `signal ${n + 1} of input 7 alone`);
    now = until!;
  }
  assert.equal(throttle.givenUp(now), false);
  // a second input throttled within the same stretch: the server, not the page
  throttle.started(1, now);
  assert.equal(throttle.signal(now + 10, 1000, now, 8), undefined);
  assert.equal(throttle.givenUp(now + 10), true);
});

test('inputs throttled before the run was last fine do not count with those after', () => {
  const throttle = new RunThrottle(MINUTE, 3000, () => 0.5);
  throttle.started(1, 0);
  throttle.signal(10, 1000, 0, 1);
  throttle.started(1, 1010);
  assert.equal(throttle.clean(1010, 1030), true);
  let now = 2000;
  for (let n = 0; n < 5; n++) {
    throttle.started(1, now);
    now = throttle.signal(now + 10, 1000, now, 2)!;
  }
  assert.equal(throttle.givenUp(now), false, 'input 1 was of the stretch before');
});
