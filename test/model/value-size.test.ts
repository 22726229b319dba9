import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { valueSize, valuesSize } from '../../src/model/value-size.js';

describe('value-size: about what results given as values hold', () => {
  test('strings by their length, binary data by its byteLength, the rest a word', () => {
    assert.equal(valueSize('x'.repeat(1000)), 1000);
    assert.equal(valueSize(new Uint8Array(4096)), 4096);
    assert.equal(valueSize(new ArrayBuffer(100)), 100);
    assert.equal(valueSize(42), 8);
    assert.equal(valueSize(null), 8);
  });

  test('containers by what they hold: arrays, plain objects, maps and sets', () => {
    const page = 'p'.repeat(10_000);
    assert.ok(valueSize({ url: 'u', html: page }) >= 10_000);
    assert.ok(valueSize([page, page]) >= 20_000);
    assert.ok(valueSize(new Map([['k', page]])) >= 10_000);
    assert.ok(valueSize(new Set([page])) >= 10_000);
  });

  test('a walk is bounded: a huge or cyclic value is not walked to its end', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.equal(typeof valueSize(cyclic), 'number');
    const wide = Array.from({ length: 100_000 }, () => ({ a: 1 }));
    assert.ok(valueSize(wide) < 100_000 * 8, 'stopped after a bounded number of nodes');
  });

  test("a value whose getter throws is counted small, not the run's failure", () => {
    const hostile = {
      get boom(): never {
        throw new Error('no');
      },
    };
    Object.defineProperty(hostile, 'boom', { enumerable: true });
    assert.equal(valueSize(hostile), 8);
  });

  test('a long list of values is sampled and scaled: equal values sum exactly', () => {
    const values = Array.from({ length: 10_000 }, () => 'v'.repeat(100));
    assert.equal(valuesSize(values), 1_000_000);
    assert.equal(valuesSize(['ab', 'cde']), 5);
    assert.equal(valuesSize([]), 0);
  });
});
