import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runsOf, splitOutsideQuotes } from '../../src/commands/quoted-words.js';

test('splitOutsideQuotes splits at blanks outside quotes only, and reads quotes from `from` on', () => {
  assert.deepEqual(splitOutsideQuotes(`printf '[%s]' 'see: '{}`, 0), ['printf', ' ', `'[%s]'`, ' ', `'see: '{}`]);
  assert.deepEqual(splitOutsideQuotes(`a  "b c"\t'd'"'"'e f'`, 0), ['a', '  ', `"b c"`, '\t', `'d'"'"'e f'`]);
  // a wrapper's quotes (before `from`) are not the command's
  assert.deepEqual(splitOutsideQuotes(`x="a b" 'c d'`, 8), ['x="a', ' ', 'b"', ' ', `'c d'`]);
});

test('runsOf cuts a quoted word at its own spaces into runs and blanks, each quoted again', () => {
  assert.deepEqual(runsOf(`'a b'{}' c'`), [`a`, `' '`, `b{}`, `' '`, `c`]);
  assert.deepEqual(runsOf(`'it'"'"'s '{}`), [`'it'"'"'s'`, `' '`, '{}']);
  assert.deepEqual(runsOf(`{}' '{}`), ['{}', `' '`, '{}']);
  // no space of its own, or a tab or newline (GNU parallel cuts none there): one run
  assert.equal(runsOf(`a{}b`), undefined);
  assert.equal(runsOf(`'a\tb'{}`), undefined);
  assert.equal(runsOf(`'a\nb'{}`), undefined);
});
