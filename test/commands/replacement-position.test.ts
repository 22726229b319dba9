import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchPositioned, splitPosition } from '../../src/commands/replacement-position.js';

test('a position before the content: digits not all zeros, negative from the last; none otherwise', () => {
  assert.deepEqual(splitPosition('2..'), { position: 2, rest: '..' });
  assert.deepEqual(splitPosition('-1#a'), { position: -1, rest: '#a' });
  assert.deepEqual(splitPosition('0#'), { position: undefined, rest: '0#' });
  assert.deepEqual(splitPosition(''), { position: undefined, rest: '' });
});

test('a pattern matches the whole content (every value), else what follows its position (that value)', () => {
  assert.equal(matchPositioned(/^:(\d+)$/, ':2')?.position, undefined);
  assert.deepEqual(matchPositioned(/^:(\d+)$/, '2:3')?.position, 2);
  assert.equal(matchPositioned(/^:(\d+)$/, '2:3')?.match[1], '3');
  assert.equal(matchPositioned(/^:(\d+)$/, 'x'), undefined);
});
