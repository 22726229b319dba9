import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cutAroundContext, splitOutsideQuotes } from '../../src/commands/quoted-words.js';

test('splitOutsideQuotes splits at blanks outside quotes only, and reads quotes from `from` on', () => {
  assert.deepEqual(splitOutsideQuotes(`printf '[%s]' 'see: '{}`, 0), ['printf', ' ', `'[%s]'`, ' ', `'see: '{}`]);
  assert.deepEqual(splitOutsideQuotes(`a  "b c"\t'd'"'"'e f'`, 0), ['a', '  ', `"b c"`, '\t', `'d'"'"'e f'`]);
  // a wrapper's quotes (before `from`) are not the command's
  assert.deepEqual(splitOutsideQuotes(`x="a b" 'c d'`, 8), ['x="a', ' ', 'b"', ' ', `'c d'`]);
});

test('cutAroundContext cuts a quoted word around its blank-delimited run of replacement strings, each part quoted again', () => {
  assert.deepEqual(cutAroundContext(`'a b'{}' c'`), { prefix: `'a '`, context: 'b{}', suffix: `' c'` });
  assert.deepEqual(cutAroundContext(`'it'"'"'s '{}`), { prefix: `'it'"'"'s '`, context: '{}', suffix: '' });
  // no blank of its own, or none outside the run: repeated whole
  assert.equal(cutAroundContext(`x{}'y z'{2}`), undefined);
  assert.equal(cutAroundContext(`a{}b`), undefined);
  assert.equal(cutAroundContext(`'a b'`), undefined);
});
