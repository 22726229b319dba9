import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blankEmptyGroups, combinationCount, combinations, splitArgGroups } from '../../src/io/arg-groups.js';

test('splitArgGroups: words before the first ::: are positional, each ::: starts a source of values', () => {
  assert.deepEqual(splitArgGroups(['echo', '{}', ':::', 'a', 'b', ':::', '1']), {
    positional: ['echo', '{}'],
    sources: [{ values: ['a', 'b'] }, { values: ['1'] }],
  });
});

test('splitArgGroups: each file after :::: is a source of its own, as in GNU parallel', () => {
  assert.deepEqual(splitArgGroups(['echo', '::::', 'f1', 'f2', ':::', 'x', '::::', '-']), {
    positional: ['echo'],
    sources: [{ file: 'f1' }, { file: 'f2' }, { values: ['x'] }, { file: '-' }],
  });
});

test('splitArgGroups: no marker means no sources', () => {
  assert.deepEqual(splitArgGroups(['echo', 'x']), { positional: ['echo', 'x'], sources: [] });
  assert.deepEqual(splitArgGroups([]), { positional: [], sources: [] });
});

test('splitArgGroups: a ::: followed by nothing gives a source of no values', () => {
  assert.deepEqual(splitArgGroups([':::', ':::', 'a', ':::']), { positional: [], sources: [{ values: [] }, { values: ['a'] }, { values: [] }] });
});

test('splitArgGroups: :::+ and ::::+ link their source to the one before, as GNU parallel; each file after ::::+ does (was: only the first)', () => {
  assert.deepEqual(splitArgGroups(['echo', ':::', 'a', ':::+', '1', '::::+', 'f', 'g', '::::', 'h', 'i']), {
    positional: ['echo'],
    sources: [{ values: ['a'] }, { values: ['1'], linked: true }, { file: 'f', linked: true }, { file: 'g', linked: true }, { file: 'h' }, { file: 'i' }],
  });
});

test('splitArgGroups: only an exact ::: or :::: (or :::+, ::::+) is a marker', () => {
  const argv = ['echo', ':::++', '::::-', ' :::', 'a:::'];
  assert.deepEqual(splitArgGroups(argv), { positional: argv, sources: [] });
});

test('combinations: the first group varies slowest, as in GNU parallel', () => {
  assert.deepEqual(
    [...combinations([['a', 'b'], ['1', '2'], ['x']])],
    [['a', '1', 'x'], ['a', '2', 'x'], ['b', '1', 'x'], ['b', '2', 'x']],
  );
  assert.deepEqual([...combinations([['only']])], [['only']]);
});

test('combinations: no groups, or an empty group, gives nothing', () => {
  assert.deepEqual([...combinations([])], []);
  assert.deepEqual([...combinations([['a', 'b'], []])], []);
});

test('blankEmptyGroups: an empty source among others is one empty value; all empty, nothing (was: `::: a :::` ran nothing)', () => {
  assert.deepEqual(blankEmptyGroups([['a', 'b'], []], ''), [['a', 'b'], ['']]);
  assert.deepEqual(blankEmptyGroups([[], ['a']], ''), [[''], ['a']]);
  assert.deepEqual(blankEmptyGroups([[], []], ''), []);
  assert.deepEqual(blankEmptyGroups([], ''), []);
  assert.equal(combinationCount([2, 0, 3]), 6);
  assert.equal(combinationCount([0, 0]), 0);
  assert.equal(combinationCount([]), 0);
});

test('combinations: the product is produced lazily, never held', () => {
  const thousand = Array.from({ length: 1000 }, (_, i) => String(i));
  // 10^12 combinations: only a lazy generator can hand out the first few.
  const lazy = combinations([thousand, thousand, thousand, thousand]);
  assert.deepEqual(lazy.next().value, ['0', '0', '0', '0']);
  assert.deepEqual(lazy.next().value, ['0', '0', '0', '1']);
});

test('combinations: each combination is a fresh array', () => {
  const [first, second] = [...combinations([['a'], ['1', '2']])];
  first!.push('mutated');
  assert.deepEqual(second, ['a', '2']);
});

test('combinations: counts the whole product and ends on the last value of every group', () => {
  const groups = [['a', 'b', 'c'], ['1', '2'], ['x', 'y', 'z', 'w']];
  const all = [...combinations(groups)];
  assert.equal(all.length, 3 * 2 * 4);
  assert.deepEqual(all.at(-1), ['c', '2', 'w']);
  assert.equal(new Set(all.map((combination) => combination.join(' '))).size, all.length);
});
