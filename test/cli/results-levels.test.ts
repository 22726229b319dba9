import assert from 'node:assert/strict';
import { test } from 'node:test';
import { levelName, levelOrder, perlNumber } from '../../src/cli/results-levels.js';

test("perlNumber reads a string as Perl's numeric operators do: its leading number, 0 if none", () => {
  const cases: [string, number][] = [[' 12a', 12], ['\t-3.5e2x', -350], ['+.5', 0.5], ['0x10', 0], ['1_0', 1], ['1e', 1], ['1.e3', 1000], ['1.5.6', 1.5], ['abc', 0], ['', 0], ['-', 0], ['.', 0], ['inf', Infinity], ['-Infinity', -Infinity], ['Info', Infinity]];
  for (const [text, value] of cases) assert.equal(perlNumber(text), value, text);
  assert.ok(Number.isNaN(perlNumber('nanq')));
});

test("levelName: the k-th file's path over the column's name, else the column's, else the number, as GNU parallel's input_source_header", () => {
  const names = { names: ['name', 'age', 'x'], fileNames: ['people.tsv'] };
  assert.deepEqual([1, 2, 3, 4].map((id) => levelName(id, names)), ['people.tsv', 'age', 'x', '4']);
});

test('levelOrder: numerically first, then as bytes, equal names in their order, as GNU parallel sorts a record\'s levels (was: in the order of the record)', () => {
  assert.deepEqual(levelOrder(2, { names: ['b', 'a'] }), [2, 1]);
  assert.deepEqual(levelOrder(3, { names: ['name', 'age'], fileNames: ['people.tsv'] }), [2, 1, 3]);
  // 10,2,b,a,1x, 3,inf,nan,-1,A: as GNU parallel 20221122 lays them out
  assert.deepEqual(levelOrder(10, { names: ['10', '2', 'b', 'a', '1x', ' 3', 'inf', 'nan', '-1', 'A'] }), [9, 10, 4, 3, 5, 2, 6, 1, 7, 8]);
  assert.deepEqual(levelOrder(3, { names: ['a', 'a'] }), [1, 2, 3]);
  // without names: 1, 2, ... as they come
  assert.deepEqual(levelOrder(12, {}), Array.from({ length: 12 }, (_, i) => i + 1));
});
