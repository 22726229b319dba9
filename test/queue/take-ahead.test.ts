import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AHEAD_UNDER_MS, TakeAhead } from '../../src/queue/take-ahead.js';

test('no batch is taken ahead until batches are seen to be quick; then one per worker, until they are slow again', () => {
  const applied: number[] = [];
  const takes = new TakeAhead(4, 2, (batches) => applied.push(batches));
  assert.equal(takes.initial, 4);
  takes.ended(20);
  assert.deepEqual(applied, [6]);
  takes.ended(25); // still quick: nothing changes
  assert.deepEqual(applied, [6]);
  // one slow batch among quick ones moves the estimate, and enough of them turn it
  for (let i = 0; i < 10 && applied.length === 1; i++) takes.ended(AHEAD_UNDER_MS * 10);
  assert.deepEqual(applied, [6, 4]);
  for (let i = 0; i < 20 && applied.length === 2; i++) takes.ended(5);
  assert.deepEqual(applied, [6, 4, 6]);
});

test('batches of seconds from the start: none is ever taken ahead', () => {
  const applied: number[] = [];
  const takes = new TakeAhead(1, 1, (batches) => applied.push(batches));
  for (let i = 0; i < 5; i++) takes.ended(3000);
  assert.deepEqual(applied, []);
});

test('a worker idle for a while forgets how quick batches were: none is taken ahead until the next run shows it', () => {
  const applied: number[] = [];
  const takes = new TakeAhead(1, 1, (batches) => applied.push(batches));
  takes.ended(10);
  assert.deepEqual(applied, [2]);
  takes.idle();
  assert.deepEqual(applied, [2, 1]);
  takes.idle(); // already so: nothing to change
  assert.deepEqual(applied, [2, 1]);
  takes.ended(10);
  assert.deepEqual(applied, [2, 1, 2]);
});
