import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReadAhead } from '../../src/engine/read-ahead.js';

test('the window holds four batches per executor slot, and never fewer than 64 inputs', () => {
  const batches = { size: 100, inputBytes: 0 };
  const window = new ReadAhead(false, { capacity: 2 }, batches);
  assert.equal(window.room(0, 0, 0), 800);
  assert.equal(window.room(790, 0, 790), 10);
  assert.equal(window.room(800, 0, 800), 0);
  assert.equal(window.room(900, 0, 900), 0);
  batches.size = 1; // it follows the batch size as it changes
  assert.equal(window.room(10, 0, 10), 54);
});

test('output bytes settled but not taken past 64 MiB fill the window, whatever the count', () => {
  const window = new ReadAhead(false, { capacity: 2 }, { size: 1, inputBytes: 0 });
  assert.equal(window.room(0, 64 * 1024 * 1024 - 1, 0), 64);
  assert.equal(window.room(0, 64 * 1024 * 1024, 0), 0);
});

test('inputs count by their size too: 1 MiB inputs fill the window at 64, less what output waits; never below what the executor holds when full (was: thousands of 1 MB inputs of a library caller read ahead of a slow loop: a review)', () => {
  const MiB = 1024 * 1024;
  const batches = { size: 1000, inputBytes: MiB };
  const window = new ReadAhead(false, { capacity: 2 }, batches);
  assert.equal(window.room(0, 0, 0), 64);
  assert.equal(window.room(60, 0, 60), 4);
  assert.equal(window.room(0, 32 * MiB, 0), 32);
  // inputs settled are let go (or held with their outcomes, in the bytes held): only those not settled count
  assert.equal(window.room(60, 0, 10), 54);
  batches.inputBytes = 200 * MiB;
  assert.equal(window.room(0, 0, 0), 2);
  assert.equal(window.room(2, 0, 2), 0);
  // `--pipe --block 10M -j 8`: 16 blocks (the running ones and the next), not 6
  assert.equal(new ReadAhead(false, { capacity: 16 }, { size: 1, inputBytes: 10 * MiB }).room(0, 0, 0), 16);
  assert.equal(new ReadAhead(true, { capacity: 2 }, { size: 1, inputBytes: MiB }).room(0, 0, 0), 64, 'under --key too');
});

test('under --key the window is wide, for other keys to go on while some wait on their limits', () => {
  assert.equal(new ReadAhead(true, { capacity: 2 }, { size: 1, inputBytes: 0 }).room(96, 0, 96), 4000);
});

test('under --key input is read on past the workers\' room while what waits for its key is under 8 MiB; never without --key', () => {
  const keyed = new ReadAhead(true, { capacity: 2 }, { size: 1, inputBytes: 0 });
  assert.equal(keyed.readsPastRoom(0), true);
  assert.equal(keyed.readsPastRoom(8 * 1024 * 1024 - 1), true);
  assert.equal(keyed.readsPastRoom(8 * 1024 * 1024), false);
  assert.equal(new ReadAhead(false, { capacity: 2 }, { size: 1, inputBytes: 0 }).readsPastRoom(0), false);
});
