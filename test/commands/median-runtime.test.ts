import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MedianRuntime } from '../../src/commands/median-runtime.js';

test('--timeout N%: none before a job succeeded, then N% of the median (the lower middle of an even count), as GNU parallel', () => {
  const median = new MedianRuntime(2);
  assert.equal(median.timeoutMs(), undefined);
  median.add(300);
  assert.equal(median.timeoutMs(), 600);
  median.add(100);
  assert.equal(median.timeoutMs(), 200);
  median.add(200);
  assert.equal(median.timeoutMs(), 400);
});

test('--timeout N%: the median of the last 999 runtimes only', () => {
  const median = new MedianRuntime(1);
  for (let i = 0; i < 999; i++) median.add(1000);
  for (let i = 0; i < 999; i++) median.add(10);
  assert.equal(median.timeoutMs(), 10);
});
