import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renamed } from '../../src/commands/header-names.js';

test('a name and its four forms become the positional forms of its id; other braces are not renamed', () => {
  const header = { names: ['a', 'b'] };
  assert.deepEqual(['b', 'b/', 'b//', 'b.', 'b/.'].map((content) => renamed(content, header)), ['2', '2/', '2//', '2.', '2/.']);
  for (const content of ['b..', 'b/..', 'b:1', 'c', '', '#']) assert.equal(renamed(content, header), undefined, content);
  assert.equal(renamed('a', {}), undefined);
});

test("file names come after the columns' names, the k-th file {k}: a column of the same name wins", () => {
  assert.equal(renamed('g.tsv/', { names: ['x', 'y'], fileNames: ['f', 'g.tsv'] }), '2/');
  assert.equal(renamed('f', { names: ['x', 'y', 'f'], fileNames: ['f'] }), '3');
});

test("as GNU parallel's rewriting, name after name: the first that matches, then the names after it, on what it became", () => {
  // `a.` is tried after `a`: `{a.}` is `{1.}`, which no name after it matches
  assert.equal(renamed('a.', { names: ['a', 'a.'] }), '1.');
  assert.equal(renamed('a.', { names: ['a.', 'a'] }), '1');
  // 2 -> 1 (the first name) -> 3 (the third, named 1)
  assert.equal(renamed('2', { names: ['2', '3', '1'] }), '3');
  // a name before the one that matched is not tried again: 1 -> 2, and `2` came first
  assert.equal(renamed('1', { names: ['2', '1'] }), '2');
});
