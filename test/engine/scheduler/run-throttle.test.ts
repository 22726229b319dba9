// The run's own throttle, when no --key splits it into keys: Retry-After honoured, else a
// backoff; a Retry-After of 0 is no reason to ask again at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RunThrottle } from '../../../src/engine/scheduler/run-throttle.js';

const MINUTE = 60_000;

test('a Retry-After is waited for, capped by --max-retry-after', () => {
  const throttle = new RunThrottle(5000, 15 * MINUTE, () => 0.5);
  assert.equal(throttle.signal(100, 2000, 0), 2100);
  assert.equal(throttle.signal(3000, 60_000, 2500), 8000);
});

test('Retry-After: 0 backs off as without one, each signal longer (was: tried again at once)', () => {
  const throttle = new RunThrottle(5 * MINUTE, 15 * MINUTE, () => 0.5);
  let now = 0;
  const waits: number[] = [];
  for (let n = 0; n < 3; n++) {
    const startedAt = now;
    now += 10;
    const until = throttle.signal(now, 0, startedAt)!;
    waits.push(until - now);
    now = until;
  }
  assert.deepEqual(waits, [500, 1000, 2000]);
});
