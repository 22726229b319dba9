import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AutoBatchSize } from '../../src/engine/auto-batch.js';
import { Deliveries } from '../../src/engine/deliveries.js';
import { Intake } from '../../src/engine/intake.js';
import { Admission } from '../../src/engine/scheduler/admission.js';
import type { StopMode } from '../../src/engine/stopping.js';
import type { InputSource } from '../../src/io/input-source.js';
import { itemSource } from '../../src/io/item-source.js';
import type { Batch } from '../../src/model/batch.js';
import { ProgressTracker } from '../../src/progress/tracker.js';

function setup(source: InputSource, chunksize: number, skip?: (input: string) => boolean) {
  const tracker = new ProgressTracker();
  const deliveries = new Deliveries(false, tracker, () => {}, () => {});
  const lined: Batch[] = [];
  const stopping: { mode: StopMode | undefined } = { mode: undefined };
  const admission = new Admission({ skip, keyOf: undefined, naming: 'text' }, (first, count) => deliveries.resumed(first, count));
  const intake = new Intake(source, admission, new AutoBatchSize(1, chunksize), { add: (batch) => void lined.push(batch) }, deliveries, stopping, tracker, () => {});
  const takeAll = async (max: number) => {
    while (!intake.done) {
      intake.take(max);
      await intake.taking;
    }
  };
  return { intake, lined, stopping, tracker, takeAll };
}

/** A source of `count` numbered inputs that records how many each take asked for. */
function countingSource(count: number) {
  const asked: number[] = [];
  const inner = itemSource(Array.from({ length: count }, (_, i) => String(i)));
  const source: InputSource = { ...inner, take: (max, maxBytes) => (asked.push(max), inner.take(max, maxBytes)) };
  return { source, asked };
}

test('a source that knows its size (::: values) gives the total before any take (was: `0 done` until the workers were ready)', () => {
  const { tracker } = setup(itemSource(['a', 'b', 'c']), 1);
  assert.equal(tracker.total, 3);
  const unknown = setup({ ...itemSource(['a']), remaining: () => undefined }, 1);
  assert.equal(unknown.tracker.total, undefined);
});

test('a stream whose end is read ahead shows its total then, not at the next take (was: `0 done` until the first results)', async () => {
  const inner = itemSource(['a', 'b', 'c', 'd']);
  let known = false;
  let endRead!: () => void;
  const endSeen = new Promise<void>((resolve) => (endRead = resolve));
  const { intake, tracker } = setup({ ...inner, remaining: () => (known ? inner.remaining() : undefined), endSeen: () => endSeen }, 1);
  intake.take(1);
  await intake.taking;
  assert.equal(tracker.total, undefined);
  known = true;
  endRead();
  await endSeen;
  assert.equal(tracker.total, 4);
});

test('a take is cut into batches of the size of the moment, numbered in input order; its end gives the total', async () => {
  const { intake, lined, tracker, takeAll } = setup(itemSource(['a', 'b', 'c', 'd', 'e']), 2);
  await takeAll(5);
  assert.deepEqual(lined.map((b) => [b.first, b.count, b.attempt]), [[0, 2, 1], [2, 2, 1], [4, 1, 1]]);
  assert.deepEqual([intake.admitted, tracker.total], [5, 5]);
});

test('a take never asks for more than the room it is given', async () => {
  const { source, asked } = countingSource(10);
  const { takeAll } = setup(source, 4);
  await takeAll(3);
  assert.ok(asked.every((max) => max <= 3), `asked ${asked.join(',')}`);
});

test('takes left out whole by the journal (--resume) ask for twice as many each time', async () => {
  const { source, asked } = countingSource(100);
  const { tracker, lined, takeAll } = setup(source, 1, () => true);
  await takeAll(1000);
  assert.deepEqual(asked.slice(0, 5), [1, 2, 4, 8, 16]);
  assert.deepEqual([tracker.resumed, lined.length], [100, 0]);
});

test('what a take brings after the stop never ran; at the stop, the unread inputs never ran either, counted once', async () => {
  const { intake, lined, stopping, tracker } = setup(itemSource(['a', 'b', 'c']), 2);
  intake.take(2);
  stopping.mode = 'soon';
  await intake.taking;
  assert.deepEqual([lined.length, tracker.notRun, intake.admitted], [0, 2, 2]);
  intake.stopped(1);
  intake.stopped(1);
  assert.equal(tracker.notRun, 3);
});

test('a take that fails fails the run, unless the stop closed the source under it', async () => {
  const broken: InputSource = { take: () => Promise.reject(new Error('EIO')), remaining: () => undefined, close() {} };
  const running = setup(broken, 1);
  running.intake.take(1);
  await running.intake.taking;
  assert.equal((running.intake.failed?.error as Error).message, 'EIO');
  const stopped = setup(broken, 1);
  stopped.stopping.mode = 'now';
  stopped.intake.take(1);
  await stopped.intake.taking;
  assert.equal(stopped.intake.failed, undefined);
});
