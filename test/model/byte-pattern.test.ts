import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytePattern } from '../../src/model/byte-pattern.js';

// "voilà tout" as bytes: à is C3 A0
const VOILA = 'voil\xc3\xa0 tout';

test('\\s and \\S are ASCII blanks and the rest, as Perl reads them on bytes (was: the byte 0xA0 of à a blank)', () => {
  assert.deepEqual(VOILA.split(new RegExp(bytePattern('\\s+'))), ['voil\xc3\xa0', 'tout']);
  assert.deepEqual(VOILA.match(new RegExp(bytePattern('\\S+'), 'g')), ['voil\xc3\xa0', 'tout']);
  assert.deepEqual(VOILA.split(new RegExp(bytePattern('[\\s,]+'))), ['voil\xc3\xa0', 'tout']);
  assert.deepEqual('a,\xa0b c'.split(new RegExp(bytePattern('[^\\s,]'))), ['', ',', '', ' ', '']);
  for (const blank of [' ', '\t', '\n', '\v', '\f', '\r']) assert.ok(new RegExp(bytePattern('^\\s$')).test(blank), JSON.stringify(blank));
});

test('everything else is left as written: other escapes, an escaped backslash before s, classes', () => {
  for (const source of ['\\t', '\\\\s', 'a|b', '[a-z]+', '\\d\\w\\b', '(?:x)\\]s', '']) assert.equal(bytePattern(source), source);
});
