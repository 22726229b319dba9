import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';
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

test('text: a number is written as String() writes it, whatever its kind', () => {
  const numbers = [0, -0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 1e14, 2 ** 53 + 2, -1e300, 1e21, 1.5e-7, 0.1 + 0.2, Number.MAX_VALUE, Number.MIN_VALUE];
  for (const n of numbers) assert.equal(formatResult('text', 0, 'x', n), String(n), `the text of ${n}`);
  for (const n of [Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(formatResult('text', 0, 'x', n), 'null');
});

test('a value JSON writes as nothing says what it is, with its article (was: "it is a object")', () => {
  assert.throws(() => formatResult('text', 0, 'x', { toJSON: () => undefined }), { message: /it is an object$/ });
});

test('a toJSON() that throws null, a string or a value that cannot be read says what it threw (was: prun\'s own TypeError for null, "undefined" for a string)', () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  for (const [thrown, said] of [[null, /JSON: null$/], ['plain words', /JSON: plain words$/], [proxy, /JSON: a thrown value that could not be read/], [new Error('nojson'), /JSON: nojson$/]] as const) {
    assert.throws(() => formatResult('text', 0, 'x', { toJSON: () => { throw thrown; } }), { message: said });
  }
});

test('an object JSON would write without what it holds cannot be written, text or --json (was: `{}` or its own fields only, exit 0): a Map, a Set, an Error, an instance with no fields of its own', () => {
  for (const format of ['text', 'json'] as const) {
    assert.throws(() => formatResult(format, 0, 'x', new Map([['a', 1]])), { message: /it is a Map of 1: JSON would write none of them \(return Object\.fromEntries\(map\)\)/ });
    assert.throws(() => formatResult(format, 0, 'x', Object.assign(new Map([['a', 1]]), { tag: 't' })), { message: /it is a Map of 1/ });
    assert.throws(() => formatResult(format, 0, 'x', new Set([1])), { message: /it is a Set of 1: .*return \[\.\.\.set\]/ });
    assert.throws(() => formatResult(format, 0, 'x', new Error('no')), { message: /it is an Error: JSON would write its own fields only/ });
    assert.throws(() => formatResult(format, 0, 'x', Object.assign(new Error('no'), { code: 1 })), { message: /it is an Error/ });
    assert.throws(() => formatResult(format, 0, 'x', (async function* () {})()), { message: /it is an object of class AsyncGenerator with no fields of its own/ });
    assert.throws(() => formatResult(format, 0, 'x', new (class Hidden { #x = 1; get x() { return this.#x; } })()), { message: /it is an object of class Hidden with no fields/ });
  }
  // what JSON writes in full, or as {} rightly, is written
  assert.equal(formatResult('text', 0, 'x', new Map()), '{}');
  assert.equal(formatResult('text', 0, 'x', {}), '{}');
  assert.equal(formatResult('text', 0, 'x', Object.create(null)), '{}');
  assert.equal(formatResult('text', 0, 'x', runInNewContext('({})')), '{}');
  assert.equal(formatResult('text', 0, 'x', new (class Point { x = 1; })()), '{"x":1}');
  assert.equal(formatResult('text', 0, 'x', new Date(0)), '"1970-01-01T00:00:00.000Z"');
  assert.equal(formatResult('text', 0, 'x', new Uint8Array([1])), '{"0":1}');
  assert.equal(formatResult('text', 0, 'x', new Float32Array(0)), '{}');
  assert.equal(formatResult('text', 0, 'x', new Number(3)), '3');
  assert.equal(formatResult('text', 0, 'x', new Boolean(false)), 'false');
  assert.equal(formatResult('json', 0, 'x', new String('')), '{"index":0,"input":"x","result":""}');
  // a Proxy of a Map will not say its size: written as JSON writes it, as before
  assert.equal(formatResult('text', 0, 'x', new Proxy(new Map([[1, 2]]), {})), '{}');
});
