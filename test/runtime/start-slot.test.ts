import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StartSlot } from '../../src/runtime/start-slot.js';

test('a new slot says no input began; then the last one begun, calling, awaiting, settled', () => {
  const slot = new StartSlot();
  assert.equal(slot.read(), undefined);
  slot.began(7, 0);
  assert.deepEqual(slot.read(), { batch: 7, offset: 0, phase: 'calling' });
  slot.awaiting();
  assert.deepEqual(slot.read(), { batch: 7, offset: 0, phase: 'awaiting' });
  slot.settled();
  slot.began(7, 1);
  slot.settled();
  assert.deepEqual(slot.read(), { batch: 7, offset: 1, phase: 'settled' });
});

test("the worker's slot over the shared buffer keeps what is there, and the pool's reads what it writes (the thread: test/faults/attempts.test.ts)", () => {
  const pool = new StartSlot();
  pool.began(3, 9);
  const worker = new StartSlot(pool.buffer);
  assert.deepEqual(worker.read(), { batch: 3, offset: 9, phase: 'calling' });
  worker.began(12, 0);
  assert.deepEqual(pool.read(), { batch: 12, offset: 0, phase: 'calling' });
});
