import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Batch } from '../../../src/model/batch.js';
import { WaitingLine } from '../../../src/engine/scheduler/waiting-line.js';
import { NEWLINE } from '../../../src/model/payload.js';

let id = 0;
const batchOf = (inputs: string[], first = 0): Batch => ({
  id: ++id, first, count: inputs.length, payload: inputs, separator: NEWLINE, attempt: 1, retried: 0, isolated: false, fresh: false, origin: undefined,
});
const room = (n: number) => () => n;

test('first come, first placed; a batch bigger than the room is cut, the rest keeps its place', () => {
  const line = new WaitingLine();
  line.add(batchOf(['a', 'b', 'c']));
  line.add(batchOf(['d'], 3));
  const first = line.next(0, room(2)) as Batch;
  assert.deepEqual(first.payload, ['a', 'b']);
  assert.equal(line.count, 2);
  assert.equal(line.next(0, room(0)), 'no-room');
  assert.deepEqual((line.next(0, room(5)) as Batch).payload, ['c']);
  assert.deepEqual((line.next(0, room(5)) as Batch).payload, ['d']);
  assert.equal(line.next(0, room(5)), undefined);
});

test('a retry due later waits aside: what is behind it is placed first, and it comes back when due', () => {
  const line = new WaitingLine();
  line.retry(batchOf(['late']), 100);
  line.add(batchOf(['now'], 1));
  assert.deepEqual((line.next(0, room(9)) as Batch).payload, ['now']);
  assert.equal(line.next(99, room(9)), undefined);
  assert.equal(line.nextDue, 100);
  assert.equal(line.count, 1);
  assert.deepEqual((line.next(100, room(9)) as Batch).payload, ['late']);
  assert.equal(line.count, 0);
});

test('drain takes everything, due or not', () => {
  const line = new WaitingLine();
  line.retry(batchOf(['late']), 100);
  line.add(batchOf(['now'], 1));
  assert.deepEqual(line.drain().map((b) => b.payload[0]).sort(), ['late', 'now']);
  assert.equal(line.count, 0);
});

test('once the run has given up on its throttle, nothing starts: a throttled retry due and every new batch fail, a plain retry waiting aside too when due (was: each new input started once)', () => {
  let givenUp = false;
  const failed: string[] = [];
  const line = new WaitingLine({ givenUp: () => givenUp, inputGivenUp: () => false, gaveUp: (batches) => failed.push(...batches.map((b) => String(b.payload[0]))) });
  line.retry(batchOf(['throttled']), 100, true);
  line.retry(batchOf(['plain']), 200);
  line.add(batchOf(['before'], 1));
  assert.deepEqual((line.next(0, room(9)) as Batch).payload, ['before']);
  givenUp = true;
  line.add(batchOf(['after'], 2));
  assert.equal(line.next(150, room(9)), undefined);
  assert.deepEqual(failed, ['throttled', 'after']);
  assert.equal(line.next(200, room(9)), undefined);
  assert.deepEqual(failed, ['throttled', 'after', 'plain']);
  assert.equal(line.count, 0);
  // an input in flight ended well: the run goes on
  givenUp = false;
  line.add(batchOf(['later'], 3));
  assert.deepEqual((line.next(300, room(9)) as Batch).payload, ['later']);
});

test('a throttled retry, once due, goes before what was never started, in the order it came due; a plain retry joins the back (was: behind every waiting input)', () => {
  const line = new WaitingLine();
  line.add(batchOf(['fresh 1'], 0));
  line.add(batchOf(['fresh 2'], 1));
  line.retry(batchOf(['plain'], 2), 50);
  line.retry(batchOf(['throttled b'], 3), 60, true);
  line.retry(batchOf(['throttled a'], 4), 40, true);
  const order: string[] = [];
  for (let next = line.next(100, room(1)); next && next !== 'no-room'; next = line.next(100, room(1))) order.push(String(next.payload[0]));
  assert.deepEqual(order, ['throttled a', 'throttled b', 'fresh 1', 'fresh 2', 'plain']);
  assert.equal(line.count, 0);
});

test('a throttled retry that was throttled on its last try too joins the back once due (was: first, so that a page always answering 503 took every start of the run)', () => {
  const line = new WaitingLine();
  line.add(batchOf(['fresh 1'], 0));
  line.add(batchOf(['fresh 2'], 1));
  line.retry({ ...batchOf(['throttled again'], 2), throttles: 2 }, 40, true);
  line.retry({ ...batchOf(['throttled once'], 3), throttles: 1 }, 50, true);
  const order: string[] = [];
  for (let next = line.next(100, room(1)); next && next !== 'no-room'; next = line.next(100, room(1))) order.push(String(next.payload[0]));
  assert.deepEqual(order, ['throttled once', 'fresh 1', 'fresh 2', 'throttled again']);
});

test('one throttled again that comes to the front of the line past the most it may bear fails there, not started (was: asked once more past --max-throttle)', () => {
  const failed: string[] = [];
  const line = new WaitingLine({ givenUp: () => false, inputGivenUp: (batch, now) => batch.throttledSince !== undefined && now - batch.throttledSince > 1000, gaveUp: (batches) => failed.push(...batches.map((b) => String(b.payload[0]))) });
  line.add(batchOf(['fresh 1'], 0));
  // due at 40, while it may still be tried: it joins the back, behind fresh 1
  line.retry({ ...batchOf(['throttled again'], 1), throttles: 2, throttledSince: 0 }, 40, true);
  assert.equal(String((line.next(100, room(1)) as Batch).payload[0]), 'fresh 1');
  // its turn comes at 2000, past its 1000 ms
  assert.equal(line.next(2000, room(1)), undefined);
  assert.deepEqual(failed, ['throttled again']);
  assert.equal(line.count, 0);
});
