import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatResult } from '../../src/worker/format-result.js';

test('--json: a result that is a function or a symbol cannot be written, and fails its input', () => {
  // JSON.stringify would leave it out: {"index":0,"input":"fn"}, a success with no result
  assert.throws(() => formatResult('json', 0, 'fn', () => 1), { name: 'TypeError', message: /it is a function/ });
  assert.throws(() => formatResult('json', 1, 'sym', Symbol('s')), { name: 'TypeError', message: /it is a symbol/ });
});

test('--json: undefined is written as null, values as themselves', () => {
  assert.equal(formatResult('json', 0, 'a', undefined), '{"index":0,"input":"a","result":null}');
  assert.equal(formatResult('json', 1, 'b', { n: 2 }), '{"index":1,"input":"b","result":{"n":2}}');
});

test('text: a function, a symbol, a BigInt or a circular object cannot be written; undefined prints nothing', () => {
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  for (const result of [() => 1, Symbol('s'), 1n, circular]) assert.throws(() => formatResult('text', 0, 'x', result), TypeError);
  assert.equal(formatResult('text', 0, 'x', undefined), undefined);
  assert.equal(formatResult('text', 0, 'x', 'text'), 'text');
  assert.equal(formatResult('text', 0, 'x', 2.5), '2.5');
});
