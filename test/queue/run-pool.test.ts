import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Batch } from '../../src/model/batch.js';
import { NEWLINE } from '../../src/model/payload.js';
import { RunPool } from '../../src/queue/run-pool.js';
import { FakeExecutor } from '../helpers/fake-executor.js';

const fields = (first: number): Omit<Batch, 'id'> => ({ first, count: 1, payload: [String(first)], separator: NEWLINE, attempt: 1, retried: 0, isolated: false, fresh: false, origin: undefined });

/** A sink that says when its batch ended. */
function sink(): { ended: Promise<void>; run: () => void; lost: () => void } {
  let end!: () => void;
  const ended = new Promise<void>((resolve) => (end = resolve));
  return { ended, run: end, lost: end };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

test('alone(): waits for what runs, and nothing else starts beside it until it ends', async () => {
  const executor = new FakeExecutor(4);
  const pool = new RunPool(executor, { ahead: false });
  void pool.submit(fields(0), sink());
  await executor.holding(1);
  let aloneStarted = false;
  let finishAlone!: () => void;
  const alone = pool.alone(async () => {
    aloneStarted = true;
    const own = sink();
    await pool.submit(fields(1), own, undefined, true);
    await new Promise<void>((resolve) => (finishAlone = resolve));
  });
  await settle();
  assert.equal(aloneStarted, false, 'it waits for the batch running');
  executor.runNext();
  await executor.holding(1);
  assert.equal(aloneStarted, true);
  // another batch, with room for it, waits until the one alone ends
  const other = pool.submit(fields(2), sink());
  executor.runNext();
  await settle();
  assert.deepEqual(executor.held.map((batch) => batch.first), [], 'nothing beside the batch alone');
  finishAlone();
  await alone;
  assert.equal(await other, undefined);
  assert.deepEqual(executor.held.map((batch) => batch.first), [2]);
});
