import assert from 'node:assert/strict';
import { test } from 'node:test';
import { perlPattern } from '../../src/model/perl-pattern.js';

const split = (text: string, source: string) => text.split(new RegExp(perlPattern(source)));

test('POSIX classes are their ASCII characters, negated and side by side too (was: `[[:digit:]]` a class of [, :, d... then a ])', () => {
  assert.deepEqual(split('a1b', '[[:digit:]]'), ['a', 'b']);
  assert.deepEqual(split('ab12cd', '[[:^alpha:]]+'), ['ab', 'cd']);
  assert.deepEqual(split('a,b c', '[[:space:][:punct:]]'), ['a', 'b', 'c']);
  assert.deepEqual(split('x:y]z', '[[:digit:]]'), ['x:y]z']);
  // bytes past ASCII are none of them, as Perl's on bytes: à is C3 A0
  assert.deepEqual('voil\xc3\xa0 tout'.match(new RegExp(perlPattern('[[:alpha:]]+'), 'g')), ['voil', 'tout']);
});

test('a POSIX class that does not exist is refused, saying which', () => {
  assert.throws(() => perlPattern('[[:foo:]]'), /\[:foo:\] in a pattern \(\[\[:foo:\]\]\) is not a POSIX class/);
});

test("Perl's escapes that JavaScript reads otherwise are refused, inside brackets too (was: `[\\h]` an h)", () => {
  for (const source of ['\\h', '[\\h]', 'a\\K', '[x\\v]', '\\Qa.b\\E', '(a)\\g1', '\\b{wb}', '\\x{100}', '\\o{9}']) assert.throws(() => perlPattern(source), /is not supported/, source);
});

test('a pattern read at run time (--colsep) is not interpolated: \\Q \\E \\l \\u \\L \\U are their letters, $x an end then x, as Perl\'s regex engine reads them (was, for a commit: refused)', () => {
  assert.equal(perlPattern('\\Qa\\E', { interpolated: false }), 'QaE');
  assert.equal(perlPattern('\\la\\U', { interpolated: false }), 'laU');
  assert.ok(!new RegExp(perlPattern('$x', { interpolated: false })).test('a$x'));
  assert.throws(() => perlPattern('$x'), /a Perl variable/);
});

test('\\x{HH} and \\o{NNN} are their bytes, inside brackets too, and {,n} is {0,n} (was: \\x{2c} split nothing)', () => {
  assert.deepEqual(split('a,b', '\\x{2c}'), ['a', 'b']);
  assert.deepEqual(split('a,b', '[\\o{54}]'), ['a', 'b']);
  assert.deepEqual(split('xaaay', 'a{,2}'), ['x', '', 'y']);
  // with nothing to repeat, text, as Perl reads it (was, for a commit: "Nothing to repeat")
  for (const source of ['{,2}', '({,2})', 'x|{,2}', '(?:{,1})']) assert.equal(perlPattern(source), source, source);
  assert.deepEqual(split('a{,2}b', '({,2})'), ['a', '{,2}', 'b']);
});

test('\\A, \\z, \\Z, $ and . mean what they mean to Perl; a backslash at the end is left to the compiler', () => {
  assert.deepEqual(split('aAb', '\\A'), ['aAb']);
  assert.ok(new RegExp(perlPattern('b$')).test('ab\n'));
  assert.ok(!new RegExp(perlPattern('a.b')).test('a\nb'));
  assert.ok(new RegExp(perlPattern('a.b')).test('a\rb'));
  assert.throws(() => new RegExp(perlPattern('b\\')), /at end of pattern/);
});
