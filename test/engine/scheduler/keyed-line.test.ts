import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Batch } from '../../../src/model/batch.js';
import type { KeyLimits } from '../../../src/engine/scheduler/key-limits.js';
import { KeyedLine } from '../../../src/engine/scheduler/keyed-line.js';
import { NEWLINE } from '../../../src/model/payload.js';

let id = 0;
const input = (text: string): Batch => ({
  id: ++id, first: id, count: 1, payload: [text], separator: NEWLINE, attempt: 1, retried: 0, isolated: false, fresh: false, origin: undefined, key: text[0],
});
const anyRoom = () => 1;

/** Each key may run one input at a time; key 'z' may not start before 50 ms. */
const oneAtATime = (): KeyLimits & { running: Set<string> } => {
  const running = new Set<string>();
  return {
    running,
    wait: (key, now) => (running.has(key) ? Number.POSITIVE_INFINITY : key === 'z' ? Math.max(0, 50 - now) : 0),
    started: (key, now) => (running.add(key), now),
    ended: (key) => void running.delete(key),
    givenUp: () => false,
  };
};

test('keys take turns; a key at its limit is parked until one of its inputs ends', () => {
  const limits = oneAtATime();
  const line = new KeyedLine(limits, () => assert.fail());
  for (const text of ['a1', 'a2', 'b1', 'b2']) line.add(input(text));
  const a1 = line.next(0, anyRoom) as Batch;
  const b1 = line.next(0, anyRoom) as Batch;
  assert.deepEqual([a1.payload[0], b1.payload[0]], ['a1', 'b1']);
  assert.equal(line.next(0, anyRoom), undefined, 'both keys are at their limit');
  assert.equal(line.nextDue, undefined, 'nothing but an end can help: no timer');
  line.ended(b1, 1);
  assert.deepEqual((line.next(1, anyRoom) as Batch).payload, ['b2']);
  line.ended(a1, 2);
  assert.deepEqual((line.next(2, anyRoom) as Batch).payload, ['a2']);
  assert.equal(line.count, 0);
});

test('a key parked for an end may start at its stall (KeyLimits.stallAt), and an end before that wakes it at once (was: the end waited for the stall)', () => {
  const limits = oneAtATime();
  // a slow start's stall: 1 s after the key's last start, the key may start one more
  const stalled = new Set<string>();
  const line = new KeyedLine(
    {
      ...limits,
      wait: (key, now) => (stalled.has(key) ? 0 : limits.wait(key, now)),
      stallAt: (key, now) => (limits.running.has(key) && now < 1000 ? 1000 : undefined),
    },
    () => assert.fail(),
  );
  for (const text of ['a1', 'a2', 'a3']) line.add(input(text));
  const a1 = line.next(0, anyRoom) as Batch;
  assert.equal(line.next(0, anyRoom), undefined);
  assert.equal(line.nextDue, 1000, 'the stall is a timer');
  // an end comes first: the next input starts then, not at the stall
  line.ended(a1, 20);
  const a2 = line.next(20, anyRoom) as Batch;
  assert.deepEqual(a2.payload, ['a2']);
  assert.equal(line.next(20, anyRoom), undefined);
  // nothing ends: at the stall the key may go on
  stalled.add('a');
  assert.deepEqual((line.next(1000, anyRoom) as Batch).payload, ['a3']);
  assert.equal(line.count, 0);
});

test('a key that must wait gets its turn back when its wait is over; no room keeps the input', () => {
  const line = new KeyedLine(oneAtATime(), () => assert.fail());
  line.add(input('z1'));
  line.add(input('a1'));
  assert.equal(line.next(0, () => 0), 'no-room');
  assert.deepEqual((line.next(0, anyRoom) as Batch).payload, ['a1'], 'z waits 50 ms; a does not wait for it');
  assert.equal(line.next(10, anyRoom), undefined);
  assert.equal(line.nextDue, 50);
  assert.deepEqual((line.next(50, anyRoom) as Batch).payload, ['z1']);
});

test('a key that finds no room keeps its place: the first key when the workers filled up is the first when one frees up (was: put last at each look)', () => {
  const line = new KeyedLine(oneAtATime(), () => assert.fail());
  for (const text of ['a1', 'b1', 'c1']) line.add(input(text));
  for (let look = 0; look < 2; look++) assert.equal(line.next(0, () => 0), 'no-room');
  assert.deepEqual(['a1', 'b1', 'c1'].map(() => (line.next(0, anyRoom) as Batch).payload[0]), ['a1', 'b1', 'c1']);
});

test('the line knows what its waiting inputs hold: their payloads\' size, gone as each is taken, given up or drained', () => {
  const line = new KeyedLine(oneAtATime(), () => {});
  for (const text of ['a1', 'a2', 'b1']) line.add(input(text));
  assert.equal(line.waitingSize, 6);
  line.next(0, anyRoom);
  assert.equal(line.waitingSize, 4);
  line.drain();
  assert.equal(line.waitingSize, 0);
});

test('a key given up hands back its waiting inputs, at its turn', () => {
  const given: string[] = [];
  const line = new KeyedLine({ ...oneAtATime(), givenUp: (key) => key === 'g' }, (key, batches) => given.push(`${key}:${batches.length}`));
  line.add(input('g1'));
  line.add(input('g2'));
  line.add(input('a1'));
  assert.deepEqual((line.next(0, anyRoom) as Batch).payload, ['a1']);
  assert.deepEqual(given, ['g:2']);
  assert.equal(line.count, 0);
});

test('a retry due later does not hold its key back; it goes to the front of its key when due', () => {
  const line = new KeyedLine({ wait: () => 0, started: (_k, now) => now, ended: () => {}, givenUp: () => false }, () => assert.fail());
  line.retry(input('a0'), 100);
  line.add(input('a1'));
  line.add(input('a2'));
  assert.deepEqual((line.next(0, anyRoom) as Batch).payload, ['a1']);
  assert.deepEqual((line.next(100, anyRoom) as Batch).payload, ['a0']);
  assert.deepEqual((line.next(100, anyRoom) as Batch).payload, ['a2']);
});

test('a retry goes first in its key, but one throttled again goes behind the key\'s other inputs (was: a page that always answered 503 took every start of its key)', () => {
  const limits = oneAtATime();
  const line = new KeyedLine(limits, () => assert.fail());
  for (const text of ['a1', 'a2', 'a3']) line.add(input(text));
  const a1 = line.next(0, anyRoom) as Batch;
  line.ended(a1, 1);
  line.retry({ ...a1, throttles: 1 }, undefined);
  const again = line.next(1, anyRoom) as Batch;
  assert.deepEqual(again.payload, ['a1'], 'throttled once: it goes again first');
  line.ended(again, 2);
  line.retry({ ...again, throttles: 2 }, undefined);
  const order: string[] = [];
  for (let now = 3; line.count > 0; now++) {
    const next = line.next(now, anyRoom) as Batch;
    order.push(next.payload[0] as string);
    line.ended(next, now);
  }
  assert.deepEqual(order, ['a2', 'a3', 'a1']);
});
