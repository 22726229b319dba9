import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Deliveries } from '../../src/engine/deliveries.js';
import type { Executor } from '../../src/model/executor.js';
import { parseHalt } from '../../src/engine/halt.js';
import { RetryOrFail } from '../../src/engine/retry-or-fail.js';
import { RetryPolicy } from '../../src/engine/scheduler/retry-policy.js';
import { Settlement } from '../../src/engine/settlement.js';
import { Stopping } from '../../src/engine/stopping.js';
import { Throttles } from '../../src/engine/throttles.js';
import type { Batch } from '../../src/model/batch.js';
import type { Delivery } from '../../src/model/delivery.js';
import type { Failure } from '../../src/model/failure.js';
import { type InputNaming, NEWLINE } from '../../src/model/payload.js';
import { ProgressTracker } from '../../src/progress/tracker.js';
import { FakeClock } from '../helpers/fake-clock.js';

const killed: Failure = { code: 'ERR_WORKER_SIGNAL', name: 'Error', message: 'worker killed by SIGKILL', signal: 'SIGKILL' };
const status3: Failure = { code: 'ERR_EXIT_STATUS', name: 'Error', message: 'exit status 3', exitStatus: 3 };
const batch: Batch = { id: 1, first: 0, count: 4, payload: ['a', 'b', 'c', 'd'], separator: NEWLINE, attempt: 1, retried: 0, isolated: false, fresh: false, origin: undefined };

function setup(options: { retries?: number; journal?: boolean; halt?: string; naming?: InputNaming } = {}) {
  const clock = new FakeClock();
  const tracker = new ProgressTracker();
  const executor = { stop() {}, kill: async () => {} } as unknown as Executor;
  const stopping = new Stopping({ take: async () => null, remaining: () => 0, close() {} }, executor, parseHalt(options.halt ?? 'never', '--halt'), tracker, () => {});
  const deliveries = new Deliveries(false, tracker, () => {}, () => {});
  const retried: Batch[] = [];
  const line = { retry: (again: Batch) => void retried.push(again) };
  const throttles = new Throttles(undefined, undefined, clock);
  const retryOrFail = new RetryOrFail(new RetryPolicy(options.retries ?? 0, undefined), throttles, line, stopping, tracker, clock);
  const settlement = new Settlement({ deliveries, retryOrFail, line, throttles, stopping, tracker, journal: options.journal ?? false, naming: options.naming ?? 'text' });
  const delivered: Delivery[] = [];
  void (async () => {
    for await (const delivery of deliveries.outbox) delivered.push(delivery);
  })();
  return { settlement, retried, tracker, stopping, delivered };
}

const shape = (batches: Batch[]) => batches.map((b) => [b.first, b.count, b.attempt, b.isolated]);
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

test('a batch lost with no blame goes back as it was: its inputs never started', () => {
  const { settlement, retried } = setup();
  settlement.lost(batch, 1, 'none');
  assert.deepEqual(shape(retried), [[1, 3, 1, false]]);
});

test('a batch "lost" after its last input was reported lost nothing: no empty rest goes back (was: queued, reported by nobody, the run never ended)', async () => {
  const { settlement, retried, tracker, delivered } = setup();
  for (const blame of ['none', 'unknown', { culprit: killed }] as const) settlement.lost(batch, batch.count, blame);
  await flush();
  assert.deepEqual(retried, []);
  assert.deepEqual([tracker.failed, delivered.length], [0, 0]);
});

test('a batch lost with unknown blame goes back isolated, its starts counted: one of them may be the culprit', () => {
  const { settlement, retried } = setup();
  settlement.lost(batch, 1, 'unknown');
  assert.deepEqual(shape(retried), [[1, 3, 2, true]]);
});

test('a suspect (a quick input awaiting as its worker died) goes back alone, its start counted; those after it never began and go back as they were (was: all isolated, attempt 2 on their one start)', async () => {
  const { settlement, retried, tracker } = setup();
  settlement.lost(batch, 1, 'suspect');
  assert.deepEqual(shape(retried), [[1, 1, 2, true], [2, 2, 1, false]]);
  // after inputs known to have finished; and the batch's last input: nothing behind it
  retried.length = 0;
  settlement.lost(batch, 1, { finished: 1, then: 'suspect' });
  assert.deepEqual(shape(retried), [[1, 1, 2, true], [2, 1, 2, true], [3, 1, 1, false]]);
  retried.length = 0;
  settlement.lost(batch, 3, 'suspect');
  assert.deepEqual(shape(retried), [[3, 1, 2, true]]);
  await flush();
  assert.equal(tracker.failed, 0);
});

test('a culprit with no retry left fails for good, with its journal record; the inputs behind it go back as they were', async () => {
  const { settlement, retried, tracker, delivered } = setup({ journal: true });
  settlement.lost(batch, 1, { culprit: killed });
  await flush();
  assert.deepEqual(shape(retried), [[2, 2, 1, false]]);
  assert.equal(tracker.failed, 1);
  assert.deepEqual(delivered.map((d) => [d.type, d.first]), [['failure', 1], ['records', 1]]);
  const record = delivered[1];
  const records = record?.type === 'records' ? record.records : [];
  assert.deepEqual(records.map((r) => [r.index, r.input, r.ok, r.attempts, r.durationMs]), [[1, 'b', false, 1, undefined]]);
});

test('inputs known to have finished, their results lost, go back on their next attempt, alone (each reported as it ends); then the culprit fails, and those behind it go back unstarted', async () => {
  const { settlement, retried, tracker } = setup();
  settlement.lost(batch, 0, { finished: 2, then: { culprit: killed } });
  await flush();
  assert.deepEqual(shape(retried), [[0, 2, 2, true], [3, 1, 1, false]]);
  assert.equal(tracker.failed, 1);
});

test('inputs known to have finished when the worker died between inputs go back on their next attempt; the rest as never begun', () => {
  const { settlement, retried, tracker } = setup();
  settlement.lost(batch, 1, { finished: 1, then: 'none' });
  assert.deepEqual(shape(retried), [[1, 1, 2, true], [2, 2, 1, false]]);
  assert.equal(tracker.failed, 0);
  // finished to the batch's end: nothing past them
  retried.length = 0;
  settlement.lost(batch, 1, { finished: 3, then: 'none' });
  assert.deepEqual(shape(retried), [[1, 3, 2, true]]);
});

test('while stopping, inputs whose results were lost never ran, and the culprit after them failed', async () => {
  const { settlement, retried, stopping, tracker, delivered } = setup({ retries: 5 });
  stopping.stop('soon');
  settlement.lost(batch, 0, { finished: 2, then: { culprit: killed } });
  await flush();
  assert.deepEqual([retried.length, tracker.failed, tracker.notRun], [0, 1, 3]);
  assert.deepEqual(delivered.map((d) => [d.type, d.first, d.count]), [['skipped', 0, 2], ['failure', 2, 1], ['skipped', 3, 1]]);
});

test('a batch lost while stopping, with no culprit known (a suspect, or any): the rest of it never ran', async () => {
  for (const blame of ['unknown', 'suspect'] as const) {
    const { settlement, retried, stopping, tracker, delivered } = setup({ retries: 5 });
    stopping.stop('soon');
    settlement.lost(batch, 1, blame);
    await flush();
    assert.deepEqual([retried.length, tracker.notRun], [0, 3], blame);
    assert.deepEqual(delivered.map((d) => [d.type, d.first, d.count]), [['skipped', 1, 3]], blame);
  }
});

test('a culprit lost while running ones finish (Ctrl-C, --halt soon) failed, with no retry; the rest never ran (was: all never ran)', async () => {
  const { settlement, retried, stopping, tracker, delivered } = setup({ retries: 5 });
  stopping.stop('soon');
  settlement.lost(batch, 1, { culprit: killed });
  await flush();
  assert.deepEqual([retried.length, tracker.failed, tracker.notRun], [0, 1, 2]);
  assert.deepEqual(delivered.map((d) => [d.type, d.first, d.count]), [['failure', 1, 1], ['skipped', 2, 2]]);
});

test('a culprit lost when the stop ends everything at once (stop now): never ran, as what the stop ended', async () => {
  const { settlement, stopping, tracker } = setup();
  stopping.stop('now');
  settlement.lost(batch, 1, { culprit: killed });
  await flush();
  assert.deepEqual([tracker.failed, tracker.notRun], [0, 3]);
});

test('a run whose last input failed for good halts with that input status (--halt soon,fail=1)', () => {
  const { settlement, tracker, stopping } = setup({ halt: 'soon,fail=1' });
  settlement.ran(batch, 0, { count: 2, text: 'A\n', values: undefined, failures: [{ offset: 1, at: 2, input: 'b', error: status3 }], durationsMs: undefined }, 0);
  assert.deepEqual([tracker.succeeded, tracker.failed, stopping.mode], [1, 1, 'soon']);
  assert.deepEqual(tracker.haltedBy, { failed: 1, status: 3, code: 'ERR_EXIT_STATUS' });
});

test("a key given up: an input that was throttled itself keeps its own answer's status, not the key's last (was: the run's last status for all)", async () => {
  const { settlement, delivered } = setup();
  settlement.gaveUp('', [
    { ...batch, first: 5, count: 1, payload: ['x'], attempt: 2, lastThrottle: { status: 429 } },
    { ...batch, first: 6, count: 1, payload: ['y'], attempt: 2, lastThrottle: { status: 503, retryAfter: 7 } },
  ]);
  await flush();
  const failures = delivered.flatMap((delivery) => (delivery.type === 'failure' ? [delivery.failure] : []));
  assert.deepEqual(failures.map((failure) => [failure.index, failure.error.code, failure.error.status, failure.error.retryAfter]), [
    [5, 'ERR_THROTTLED', 429, undefined],
    [6, 'ERR_THROTTLED', 503, 7],
  ]);
});

test('a key given up: every input waiting on it fails with ERR_THROTTLED, counted as not started this time', async () => {
  const { settlement, tracker, delivered } = setup();
  settlement.gaveUp('example.com', [{ ...batch, first: 5, count: 1, payload: ['x'], attempt: 2 }]);
  await flush();
  assert.equal(tracker.failed, 1);
  const first = delivered[0];
  const failure = first?.type === 'failure' ? first.failure : undefined;
  assert.deepEqual([failure?.index, failure?.input, failure?.attempts, failure?.error.code], [5, 'x', 1, 'ERR_THROTTLED']);
});

test('a retry the stop cut short before it started ends with the failure of its last try, as one waiting in the line does (was: never ran, its failure unsaid, at Ctrl-C with the retry queued behind a busy worker)', async () => {
  const { settlement, tracker, delivered } = setup({ retries: 1 });
  const retry: Batch = { ...batch, id: 2, first: 2, count: 1, attempt: 2, retried: 1, lastFailure: status3 };
  settlement.cutShort(retry, 0);
  // a batch with no failure behind it, cut short part way: the rest never ran
  settlement.cutShort(batch, 3);
  await flush();
  assert.deepEqual([tracker.failed, tracker.notRun], [1, 1]);
  const failure = delivered.find((delivery) => delivery.type === 'failure');
  assert.deepEqual(failure?.type === 'failure' && [failure.failure.index, failure.failure.error.message, failure.failure.attempts], [2, 'exit status 3', 1]);
});

test('a failure the stop asked to stop (Ctrl-C) never ran: no failure, no record, counted as never ran; the successes around it are delivered (was: reported failed when the stop reached the worker after the failure)', async () => {
  const { settlement, tracker, delivered, stopping } = setup({ retries: 3, journal: true });
  stopping.stop('soon', true);
  const aborted: Failure = { code: 'ERR_TASK_FAILED', name: 'AbortError', message: 'the run is stopping' };
  settlement.ran(batch, 0, {
    count: 3,
    text: 'A\nC\n',
    values: undefined,
    failures: [{ offset: 1, at: 2, input: 'b', error: aborted, stopped: true }],
    durationsMs: undefined,
  }, 0);
  await flush();
  assert.deepEqual([tracker.succeeded, tracker.failed, tracker.notRun, tracker.retried], [2, 0, 1, 0]);
  assert.ok(!delivered.some((delivery) => delivery.type === 'failure'));
  const records = delivered.flatMap((delivery) => (delivery.type === 'records' ? delivery.records : []));
  assert.deepEqual(records.map((record) => [record.input, record.ok]), [['a', true], ['c', true]]);
});

test('a retry the stop asked to stop ends with the failure of its try before, in its record too, as one cut short does', async () => {
  const { settlement, tracker, delivered, stopping } = setup({ retries: 1, journal: true });
  stopping.stop('soon', true);
  const retry: Batch = { ...batch, id: 2, first: 2, count: 1, attempt: 2, retried: 1, lastFailure: status3 };
  const aborted: Failure = { code: 'ERR_TASK_FAILED', name: 'AbortError', message: 'the run is stopping' };
  settlement.ran(retry, 0, { count: 1, text: '', values: undefined, failures: [{ offset: 0, at: 0, input: 'c', error: aborted, stopped: true }], durationsMs: undefined }, 0);
  await flush();
  assert.deepEqual([tracker.failed, tracker.notRun], [1, 0]);
  const failure = delivered.find((delivery) => delivery.type === 'failure');
  assert.deepEqual(failure?.type === 'failure' && [failure.failure.index, failure.failure.error.message, failure.failure.attempts], [2, 'exit status 3', 1]);
  const records = delivered.flatMap((delivery) => (delivery.type === 'records' ? delivery.records : []));
  assert.deepEqual(records.map((record) => [record.index, record.error, record.attempts]), [[2, 'exit status 3', 1]]);
});

test('regression: a batch whose worker dies before beginning it goes back twice; the third time in a row its first input fails of that death (was: handed back for ever, a worker dying each time)', async () => {
  const { settlement, retried, tracker, delivered } = setup();
  settlement.lost(batch, 0, { unbegun: killed });
  settlement.lost(retried[0]!, 0, { unbegun: killed });
  assert.deepEqual(retried.map((b) => [b.first, b.count, b.unbegun]), [[0, 4, 1], [0, 4, 2]]);
  settlement.lost(retried[1]!, 0, { unbegun: killed });
  await flush();
  assert.equal(tracker.failed, 1);
  const failure = delivered.find((d) => d.type === 'failure');
  assert.ok(failure?.type === 'failure');
  assert.deepEqual([failure.failure.index, failure.failure.error.code], [0, 'ERR_WORKER_SIGNAL']);
  // the rest go back, their count started again
  assert.deepEqual(retried.slice(2).map((b) => [b.first, b.count, b.unbegun]), [[1, 3, undefined]]);
});

test('a batch that was begun between two such deaths starts its count again: no input is blamed for deaths in a row it broke', async () => {
  const { settlement, retried, tracker } = setup();
  settlement.lost(batch, 0, { unbegun: killed });
  settlement.lost(retried[0]!, 0, { unbegun: killed });
  // begun this time: its first input ran, the rest were lost with any of them to blame
  settlement.lost(retried[1]!, 1, 'unknown');
  assert.equal(retried[2]!.unbegun, undefined);
  settlement.lost(retried[2]!, 0, { unbegun: killed });
  settlement.lost(retried[3]!, 0, { unbegun: killed });
  await flush();
  assert.equal(tracker.failed, 0);
  assert.equal(retried[4]!.unbegun, 2);
});

test('a batch lost before it was begun while stopping never ran', async () => {
  const { settlement, retried, stopping, tracker } = setup();
  stopping.stop('soon');
  settlement.lost({ ...batch, unbegun: 2 }, 0, { unbegun: killed });
  await flush();
  assert.deepEqual([retried.length, tracker.failed, tracker.notRun], [0, 0, 4]);
});

test('a retry the stop kept from starting ends with its try before, and its record with how long that try ran (was: an empty duration)', async () => {
  const { settlement, retried, delivered, stopping } = setup({ retries: 1, journal: true });
  settlement.ran(batch, 0, { count: 4, text: 'A\nC\nD\n', values: undefined, failures: [{ offset: 1, at: 2, input: 'b', error: status3 }], durationsMs: [5, 25, 5, 5] }, 0);
  assert.deepEqual(shape(retried), [[1, 1, 2, false]]);
  stopping.stop('soon', true);
  settlement.stoppedWaiting(retried[0]!);
  await flush();
  const records = delivered.flatMap((delivery) => (delivery.type === 'records' ? delivery.records : []));
  assert.deepEqual(records.filter((record) => !record.ok).map((record) => [record.input, record.attempts, record.durationMs]), [['b', 1, 25]]);
});

test('suspects run alone: the ones after the culprit go back alone too, so that a second death re-runs none of them (was: batched again, a third start with --retries 0)', () => {
  const { settlement, retried } = setup();
  const suspects: Batch = { ...batch, id: 3, attempt: 2, isolated: true };
  settlement.lost(suspects, 1, { culprit: killed });
  assert.deepEqual(shape(retried), [[2, 2, 2, true]]);
  // a culprit in a batch that was not suspect: the rest never started, and go back as they were
  const plain = setup();
  plain.settlement.lost(batch, 1, { culprit: killed });
  assert.deepEqual(shape(plain.retried), [[2, 2, 1, false]]);
});
