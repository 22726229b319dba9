import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RetryOrFail } from '../../src/engine/retry-or-fail.js';
import { RetryPolicy } from '../../src/engine/scheduler/retry-policy.js';
import type { StopMode } from '../../src/engine/stopping.js';
import { Throttles, type Throttling } from '../../src/engine/throttles.js';
import type { Batch } from '../../src/model/batch.js';
import type { Failure } from '../../src/model/failure.js';
import { NEWLINE } from '../../src/model/payload.js';
import { ProgressTracker } from '../../src/progress/tracker.js';
import { FakeClock } from '../helpers/fake-clock.js';

const boom: Failure = { code: 'ERR_TASK_FAILED', name: 'Error', message: 'boom' };
const tooMany: Failure = { code: 'ERR_TASK_FAILED', name: 'Error', message: '429', status: 429 };
const batch: Batch = { id: 1, first: 10, count: 3, payload: ['a', 'b', 'c'], separator: NEWLINE, attempt: 1, retried: 0, isolated: false, fresh: false, origin: { file: 'in.txt', line: 11 } };
const throttling: Throttling = {
  signalOf: (failure) => (failure.status === 429 ? { retryAfterMs: 2000 } : undefined),
  maxRetryAfterMs: 60_000,
  maxThrottleMs: 10_000,
};

function setup(retries: number, options: { throttling?: Throttling; retryDelay?: { baseMs: number; capMs: number } } = {}) {
  const clock = new FakeClock();
  const tracker = new ProgressTracker();
  const retriedBatches: { batch: Batch; dueAt: number | undefined }[] = [];
  const stopping: { mode: StopMode | undefined } = { mode: undefined };
  const retryOrFail = new RetryOrFail(
    new RetryPolicy(retries, options.retryDelay, () => 0.5),
    new Throttles(options.throttling, undefined, clock, () => 0.5),
    { retry: (retried, dueAt) => retriedBatches.push({ batch: retried, dueAt }) },
    stopping,
    tracker,
    clock,
  );
  return { retryOrFail, retriedBatches, stopping, tracker, clock };
}

test('a failure with a retry left goes back alone, as its next attempt, after its backoff', () => {
  const { retryOrFail, retriedBatches, tracker } = setup(1, { retryDelay: { baseMs: 1000, capMs: 10_000 } });
  assert.equal(retryOrFail.decide(batch, 1, 'b', boom, false), undefined);
  assert.equal(tracker.retried, 1);
  const [{ batch: again, dueAt }] = retriedBatches as [(typeof retriedBatches)[0]];
  assert.deepEqual([again.first, again.count, again.payload, again.attempt, again.retried, again.isolated, again.fresh], [11, 1, ['b'], 2, 1, false, false]);
  assert.equal(dueAt, 500); // full jitter: half of the first backoff
});

test('with no retry left the input fails for good, with its index, origin and attempts', () => {
  const { retryOrFail, retriedBatches, tracker } = setup(1);
  const final = retryOrFail.decide({ ...batch, attempt: 2, retried: 1 }, 2, 'c', boom, false);
  assert.deepEqual(final, { index: 12, input: 'c', origin: { file: 'in.txt', line: 13 }, attempts: 2, error: boom });
  assert.deepEqual([tracker.failed, tracker.retried, retriedBatches.length], [1, 0, 0]);
});

test('an input that took its worker down is tried again alone on a fresh worker', () => {
  const { retryOrFail, retriedBatches } = setup(1);
  retryOrFail.decide(batch, 0, 'a', boom, true);
  assert.deepEqual([retriedBatches[0]!.batch.isolated, retriedBatches[0]!.batch.fresh], [true, true]);
});

test('once the run is stopping nothing is tried again', () => {
  const { retryOrFail, retriedBatches, stopping, tracker } = setup(3);
  stopping.mode = 'soon';
  assert.equal(retryOrFail.decide(batch, 0, 'a', boom, false)?.error, boom);
  assert.deepEqual([retriedBatches.length, tracker.failed], [0, 1]);
});

test('without keys a throttle signal holds the input until the run may go on, using no retry; too long, it fails ERR_THROTTLED', () => {
  const { retryOrFail, retriedBatches, tracker, clock } = setup(0, { throttling });
  assert.equal(retryOrFail.decide(batch, 0, 'a', tooMany, false), undefined);
  assert.deepEqual([retriedBatches[0]!.dueAt, retriedBatches[0]!.batch.retried, tracker.retried], [2000, 0, 0]);
  // what it was answered, for the ERR_THROTTLED it fails with should the wait go on too long
  assert.equal(retriedBatches[0]!.batch.lastThrottle?.status, 429);
  clock.advance(10_001);
  const final = retryOrFail.decide(batch, 1, 'b', tooMany, false);
  assert.deepEqual([final?.error.code, final?.error.status, tracker.failed], ['ERR_THROTTLED', 429, 1]);
});
