import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Deliveries } from '../../src/engine/deliveries.js';
import type { ExecutorRun } from '../../src/model/executor.js';
import { InFlight } from '../../src/engine/in-flight.js';
import type { Batch } from '../../src/model/batch.js';
import { NEWLINE } from '../../src/model/payload.js';
import { ProgressTracker } from '../../src/progress/tracker.js';

const batch: Batch = { id: 1, first: 0, count: 4, payload: ['a', 'b', 'c', 'd'], separator: NEWLINE, attempt: 1, retried: 0, isolated: false, fresh: false, origin: undefined };
const runOf = (count: number): ExecutorRun => ({ count, text: 'x\n'.repeat(count), values: undefined, failures: [], durationsMs: undefined });

function setup() {
  const calls: string[] = [];
  const observed: number[][] = [];
  const tracker = new ProgressTracker();
  const deliveries = new Deliveries(false, tracker, () => {}, () => {});
  const inFlight = new InFlight(
    {
      ran: (b, from, run) => void calls.push(`ran ${b.first + from}+${run.count}`),
      lost: (b, from, blame) => void calls.push(`lost ${b.first + from} ${String(blame)}`),
      // as Settlement's, for a batch that is no retry: the rest never ran
      cutShort: (b, from) => deliveries.restNotRun(b, from),
    },
    deliveries,
    { observe: (count, elapsedMs) => void observed.push([count, elapsedMs]), observeOutput: () => {}, inputBytes: 0 },
    () => calls.push('changed'),
    (error) => calls.push(`fatal ${error.message}`),
  );
  return { inFlight, calls, observed, tracker };
}

test('runs of a batch are settled as reported; the last one ends it and teaches batch sizing', () => {
  const { inFlight, calls, observed } = setup();
  inFlight.submitted(batch);
  inFlight.run(batch, 0, runOf(1), false, 5);
  inFlight.run(batch, 1, runOf(3), true, 20);
  assert.deepEqual(calls, ['ran 0+1', 'changed', 'ran 1+3', 'changed']);
  assert.deepEqual(observed, [[4, 20]]);
  assert.equal(inFlight.count, 0);
});

test('a batch cut short by a stop: the rest of it never ran, and its time teaches nothing', () => {
  const { inFlight, observed, tracker } = setup();
  inFlight.submitted(batch);
  inFlight.run(batch, 0, runOf(1), true, 5);
  assert.equal(tracker.notRun, 3);
  assert.deepEqual(observed, []);
});

test('a batch is lost once: what the executor says of it after that counts for nothing, and an output file is let go of', () => {
  const { inFlight, calls } = setup();
  inFlight.submitted(batch);
  inFlight.lost(batch, 2, 'unknown');
  inFlight.lost(batch, 2, 'unknown');
  let closed = 0;
  inFlight.run(batch, 2, { ...runOf(1), file: { fd: -1, bytes: 1, tag: undefined, close: () => closed++ } }, true, 1);
  assert.deepEqual(calls, ['lost 2 unknown', 'changed']);
  assert.equal(closed, 1);
});

test('killed at once: what was reported of each batch stays settled, the rest never ran', () => {
  const { inFlight, tracker } = setup();
  const other: Batch = { ...batch, id: 2, first: 4, count: 2 };
  inFlight.submitted(batch);
  inFlight.submitted(other);
  inFlight.run(batch, 0, runOf(1), false, 1);
  inFlight.abandonAll();
  assert.equal(tracker.notRun, 3 + 2);
  assert.equal(inFlight.count, 0);
});

test('its methods may be handed on as callbacks (bound)', () => {
  const { inFlight, calls } = setup();
  const { free, fatal } = inFlight;
  free();
  fatal(new Error('setup failed'));
  assert.deepEqual(calls, ['changed', 'fatal setup failed']);
});
