import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkSendable } from '../../src/api/sendable.js';
import { PrunError } from '../../src/errors.js';

const refused = (error: unknown): boolean => error instanceof PrunError && error.code === 'ERR_USAGE' && /input 7 /.test(error.message);

test('what structured clone cannot carry is refused with ERR_USAGE naming the input: a function, a symbol, an object holding one', () => {
  const values: unknown[] = [() => 1, Symbol('s'), { f: () => 1 }, [1, Symbol('s')], new Map([['k', () => 1]])];
  for (const [i, value] of values.entries()) assert.throws(() => checkSendable(value, 7), refused, `value ${i}`);
});

test('what it can carry passes: primitives, plain objects, Date, Map, typed arrays', () => {
  for (const value of ['a', 1, 1n, true, null, undefined, { a: [1, { b: 'c' }] }, new Date(), new Map([['k', 1]]), new Uint8Array(4), new ArrayBuffer(2)]) {
    checkSendable(value, 0);
  }
});
