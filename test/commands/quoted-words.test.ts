import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runsOf, splitOutsideQuotes } from '../../src/commands/quoted-words.js';

test('splitOutsideQuotes splits at blanks outside quotes only, and reads quotes from `from` on', () => {
  assert.deepEqual(splitOutsideQuotes(`printf '[%s]' 'see: '{}`, 0), ['printf', ' ', `'[%s]'`, ' ', `'see: '{}`]);
  assert.deepEqual(splitOutsideQuotes(`a  "b c"\t'd'"'"'e f'`, 0), ['a', '  ', `"b c"`, '\t', `'d'"'"'e f'`]);
  // a wrapper's quotes (before `from`) are not the command's
  assert.deepEqual(splitOutsideQuotes(`x="a b" 'c d'`, 8), ['x="a', ' ', 'b"', ' ', `'c d'`]);
  // a quote in a bare replacement string (--plus's `{%'}`) opens nothing
  assert.deepEqual(splitOutsideQuotes(`printf {%'} 'a b'{}`, 0), ['printf', ' ', `{%'}`, ' ', `'a b'{}`]);
});

test('runsOf cuts a quoted word into runs at its own spaces and before its tabs, each part quoted again', () => {
  assert.deepEqual(runsOf(`'a b'{}' c'`), [`a`, `' '`, `b{}`, `' '`, `c`]);
  assert.deepEqual(runsOf(`'it'"'"'s '{}`), [`'it'"'"'s'`, `' '`, '{}']);
  assert.deepEqual(runsOf(`{}' '{}`), ['{}', `' '`, '{}']);
  // no space of its own, or a tab or newline (GNU parallel cuts none there): one run
  assert.equal(runsOf(`a{}b`), undefined);
  assert.equal(runsOf(`'a\nb'{}`), undefined);
  // a tab begins a run, as GNU parallel's context_replace reads it
  assert.deepEqual(runsOf(`'a\tb'{}`), ['a', `'\tb'{}`]);
  // a quote in a bare replacement string is none of the shell's
  assert.deepEqual(runsOf(`{%'}' '{}`), [`{%'}`, `' '`, '{}']);
});
