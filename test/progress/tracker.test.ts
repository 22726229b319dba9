import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { doneCount, ProgressTracker } from '../../src/progress/tracker.js';

describe('ProgressTracker', () => {
  test('done counts results, failures and inputs a joblog shows done; not those that never ran', () => {
    const tracker = new ProgressTracker();
    Object.assign(tracker, { succeeded: 5, failed: 2, resumed: 3, notRun: 4 });
    assert.equal(doneCount(tracker), 10);
    assert.equal(doneCount(tracker.snapshot()), 10);
  });

  test("--total is the total until the real one is known, and never below what is done", () => {
    const tracker = new ProgressTracker();
    tracker.expected = 10;
    tracker.succeeded = 4;
    assert.equal(tracker.snapshot().total, 10);
    // more done than the user said: no total rather than a wrong one
    tracker.succeeded = 12;
    assert.equal(tracker.snapshot().total, undefined);
    // the end of the input seen: the real count wins
    tracker.total = 13;
    assert.equal(tracker.snapshot().total, 13);
  });

  test('an ETA only with a total and a rate', () => {
    const tracker = new ProgressTracker();
    assert.equal(tracker.snapshot().etaMs, undefined);
    tracker.total = 100;
    tracker.succeeded = 50;
    const { etaMs, rate } = tracker.snapshot();
    assert.ok(rate > 0);
    assert.ok(etaMs !== undefined && etaMs >= 0);
  });

  test('keepOnly: inputs settled whose outcome never got out count as never ran', () => {
    const tracker = new ProgressTracker();
    Object.assign(tracker, { succeeded: 10, failed: 3, notRun: 1 });
    tracker.keepOnly({ succeeded: 7, failed: 3 });
    assert.deepEqual([tracker.succeeded, tracker.failed, tracker.notRun], [7, 3, 4]);
    // what got out is never more than what settled
    tracker.keepOnly({ succeeded: 20, failed: 20 });
    assert.deepEqual([tracker.succeeded, tracker.failed, tracker.notRun], [7, 3, 4]);
  });

  test('the throttle, worker and machine counts come from their hooks, and are empty without them', () => {
    const tracker = new ProgressTracker();
    const bare = tracker.snapshot();
    assert.deepEqual([bare.throttled, bare.signals.total, bare.workers, bare.machineShort], [0, 0, undefined, undefined]);
    tracker.throttleWaiting = () => 3;
    tracker.throttleSignals = () => ({ total: 5, top: [{ key: 'a', count: 5 }] });
    tracker.workers = 2;
    tracker.machineShortage = () => 'memory';
    const hooked = tracker.snapshot();
    assert.deepEqual([hooked.throttled, hooked.signals.total, hooked.workers, hooked.machineShort], [3, 5, 2, 'memory']);
  });
});
