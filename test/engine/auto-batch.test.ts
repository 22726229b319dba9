import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AutoBatchSize } from '../../src/engine/auto-batch.js';

describe('auto-batch: batch sizes from what inputs cost', () => {
  test('fast inputs grow batches, by at most 8 times a measure', () => {
    const sizes = new AutoBatchSize(2, undefined);
    assert.equal(sizes.next(undefined), 1);
    sizes.observe(1, 0.001);
    assert.equal(sizes.next(undefined), 8);
    for (let i = 0; i < 10; i++) sizes.observe(sizes.size, sizes.size * 0.001);
    assert.ok(sizes.size > 1000, String(sizes.size));
  });

  test('regression: fast inputs with big output get small batches (was: 2000 inputs of 100 KB, 200 MB a batch)', () => {
    const sizes = new AutoBatchSize(2, undefined);
    for (let i = 0; i < 10; i++) sizes.observe(sizes.size, sizes.size * 0.001);
    sizes.observeOutput(10, 10 * 100_000);
    assert.ok(sizes.size * 100_000 <= 4 * 1024 * 1024, `${sizes.size} inputs a batch`);
    sizes.observe(sizes.size, sizes.size * 0.001);
    assert.ok(sizes.size * 100_000 <= 4 * 1024 * 1024, 'timing does not grow it past the output bound');
  });

  test('fast inputs that are big themselves get small batches too, and their size is known to the window', () => {
    const sizes = new AutoBatchSize(2, undefined);
    assert.equal(sizes.inputBytes, 0);
    for (let i = 0; i < 10; i++) sizes.observe(sizes.size, sizes.size * 0.001);
    sizes.observeInput(100, 100 * 1_000_000);
    assert.equal(sizes.inputBytes, 1_000_000);
    assert.ok(sizes.size <= 5, `${sizes.size} inputs of 1 MB a batch`);
  });

  test('a fixed --chunksize is kept whatever the output or the input', () => {
    const sizes = new AutoBatchSize(2, 500);
    sizes.observeOutput(10, 10 * 1_000_000);
    sizes.observeInput(10, 10 * 1_000_000);
    assert.equal(sizes.size, 500);
  });
});
