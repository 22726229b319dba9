import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Deliveries } from '../../src/engine/deliveries.js';
import type { Delivery } from '../../src/model/delivery.js';
import { ProgressTracker } from '../../src/progress/tracker.js';

const text = (first: number, count: number, body: string): Delivery => ({ type: 'text', first, count, text: body });

async function take(deliveries: Deliveries, count: number): Promise<Delivery[]> {
  const iterator = deliveries.outbox[Symbol.asyncIterator]();
  const taken: Delivery[] = [];
  for (let i = 0; i < count; i++) taken.push((await iterator.next()).value as Delivery);
  return taken;
}

test('ordered: ranges settled out of order reach the consumer in input order', async () => {
  const deliveries = new Deliveries(true, new ProgressTracker(), () => {}, () => {});
  deliveries.settle(2, 4, [text(2, 2, 'c\nd\n')]);
  deliveries.settle(0, 2, [text(0, 2, 'a\nb\n')]);
  assert.deepEqual((await take(deliveries, 2)).map((d) => d.first), [0, 2]);
});

test('unordered: ranges reach the consumer as they settle', async () => {
  const deliveries = new Deliveries(false, new ProgressTracker(), () => {}, () => {});
  deliveries.settle(2, 4, [text(2, 2, 'c\nd\n')]);
  deliveries.settle(0, 2, [text(0, 2, 'a\nb\n')]);
  assert.deepEqual((await take(deliveries, 2)).map((d) => d.first), [2, 0]);
});

test('the window counts: output bytes held until the consumer takes them, inputs released as it does', async () => {
  let taken = 0;
  const deliveries = new Deliveries(true, new ProgressTracker(), () => taken++, () => {});
  deliveries.settle(1, 2, [text(1, 1, 'bb\n')]); // waits for input 0 in the reorder buffer: held all the same
  assert.equal(deliveries.held, 3);
  deliveries.settle(0, 1, [text(0, 1, 'a\n')]);
  assert.equal(deliveries.held, 5);
  assert.equal(deliveries.released, 0);
  await take(deliveries, 1);
  assert.deepEqual([deliveries.held, deliveries.released, taken], [3, 1, 1]);
  await take(deliveries, 1);
  assert.deepEqual([deliveries.held, deliveries.released, taken], [0, 2, 2]);
});

test('inputs that never ran and inputs a journal shows done are counted apart and delivered as skipped', async () => {
  const tracker = new ProgressTracker();
  const deliveries = new Deliveries(true, tracker, () => {}, () => {});
  deliveries.resumed(0, 2);
  deliveries.notRun(2, 0); // nothing to deliver
  deliveries.restNotRun({ first: 2, count: 5 } as never, 1); // the batch's first input settled
  deliveries.settle(2, 3, [text(2, 1, 'c\n')]);
  assert.deepEqual([tracker.resumed, tracker.notRun], [2, 4]);
  assert.deepEqual(
    (await take(deliveries, 3)).map((d) => [d.type, d.first, d.count]),
    [['skipped', 0, 2], ['text', 2, 1], ['skipped', 3, 4]],
  );
});

test('a consumer that goes away is told of, and what is settled after that is let go of', async () => {
  let returned = 0;
  const deliveries = new Deliveries(false, new ProgressTracker(), () => {}, () => returned++);
  let closed = 0;
  const iterator = deliveries.outbox[Symbol.asyncIterator]();
  await iterator.return!();
  deliveries.settle(0, 1, [{ type: 'file', first: 0, count: 1, file: { fd: -1, bytes: 9, tag: undefined, close: () => closed++ } }]);
  assert.deepEqual([returned, closed], [1, 1]);
});
