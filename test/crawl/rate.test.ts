import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatRate, intervalOf, parseRate } from '../../src/crawl/rate.js';
import { PrunError } from '../../src/errors.js';

describe('rates', () => {
  test('2/s, 30/m and 1000/h: a whole count per second, minute or hour', () => {
    assert.deepEqual(parseRate('--key-rate', '2/s'), { count: 2, perMs: 1000 });
    assert.deepEqual(parseRate('--key-rate', '30/m'), { count: 30, perMs: 60_000 });
    assert.deepEqual(parseRate('--rate', ' 1000 / h '), { count: 1000, perMs: 3_600_000 });
    assert.equal(intervalOf({ count: 8, perMs: 1000 }), 125);
  });

  test('anything else is a usage error naming the option and the value', () => {
    for (const bad of ['0/s', '0.5/s', '2', '2/d', '/s', '-1/s', 'fast', '', '99999999999999999999/s']) {
      assert.throws(
        () => parseRate('--key-rate', bad),
        (error: unknown) => error instanceof PrunError && error.code === 'ERR_USAGE' && error.message.startsWith('--key-rate ') && error.message.includes(JSON.stringify(bad)),
        bad,
      );
    }
  });

  test('a rate is said back as it is read', () => {
    for (const text of ['2/s', '30/m', '1000/h']) assert.equal(formatRate(parseRate('--rate', text)), text);
  });
});
