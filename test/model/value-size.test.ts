import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { valueSize, valuesSize } from '../../src/model/value-size.js';

describe('value-size: about what results given as values hold', () => {
  test('strings by their length, binary data by its byteLength, the rest a word', () => {
    assert.equal(valueSize('x'.repeat(1000)), 1000);
    assert.equal(valueSize(new Uint8Array(4096)), 4096);
    assert.equal(valueSize(new ArrayBuffer(100)), 100);
    assert.equal(valueSize(42), 8);
    // shared memory is held once, never copied: a reference (was: its whole size in every value: a review)
    const shared = new SharedArrayBuffer(1 << 20);
    assert.equal(valueSize(shared), 8);
    assert.equal(valueSize(new Uint8Array(shared)), 8);
    assert.ok(valueSize({ shared, i: 1 }) < 100);
    assert.equal(valueSize(null), 8);
  });

  test('containers by what they hold: arrays, plain objects, maps and sets', () => {
    const page = 'p'.repeat(10_000);
    assert.ok(valueSize({ url: 'u', html: page }) >= 10_000);
    assert.ok(valueSize([page, page]) >= 20_000);
    assert.ok(valueSize(new Map([['k', page]])) >= 10_000);
    assert.ok(valueSize(new Set([page])) >= 10_000);
  });

  test('a walk is bounded: a cyclic value ends; a long array, object, map or set is sampled, not walked (was: every entry, 100 s for a sparse array of length 1e9: a review)', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.equal(typeof valueSize(cyclic), 'number');
    const counting = <T extends object>(target: T) => {
      const read = { count: 0 };
      const proxy = new Proxy(target, {
        get: (object, key, receiver) => (read.count++, Reflect.get(object, key, receiver)),
        has: (object, key) => (read.count++, Reflect.has(object, key)),
      });
      return { proxy, read };
    };
    const sparse = counting(new Array<unknown>(1e9));
    assert.equal(valueSize(sparse.proxy), 8, 'holes hold nothing');
    assert.ok(sparse.read.count < 100, `${sparse.read.count} entries read of an array of 1e9`);
    const wide = counting(Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, i])));
    const estimate = valueSize(wide.proxy);
    assert.ok(wide.read.count <= 256, `${wide.read.count} keys read of 200000`);
    assert.ok(estimate > 200_000 * 8 && estimate < 200_000 * 20, `${estimate} bytes estimated for 200000 keys`);
    assert.ok(valueSize(new Map(Array.from({ length: 100_000 }, (_, i) => [i, 'v'.repeat(10)]))) >= 100_000 * 10);
    assert.ok(valueSize(Array.from({ length: 100_000 }, () => ({ a: 1 }))) >= 100_000 * 8);
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
    assert.equal(valuesSize(values, 4), 1_000_000, 'fewer samples, the same sum');
  });
});
