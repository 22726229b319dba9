import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StopOrders } from '../../src/model/stop-orders.js';

test('a stop asks once; an abort of what runs asks once more, before or after a stop, and never again', () => {
  const orders = new StopOrders();
  assert.equal(orders.take(false), true);
  assert.equal(orders.take(false), false);
  assert.deepEqual([orders.stopped, orders.abortRunning], [true, false]);
  assert.equal(orders.take(true), true);
  assert.deepEqual([orders.stopped, orders.abortRunning], [true, true]);
  assert.equal(orders.take(true), false);
  assert.equal(orders.take(false), false);
  const aborted = new StopOrders();
  assert.equal(aborted.take(true), true);
  assert.equal(aborted.take(false), false);
  assert.equal(aborted.take(true), false);
});
