import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytePattern, byteRegExp } from '../../src/model/byte-pattern.js';

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

test('inside brackets: a dash beside \\s or \\S stays a dash, and \\S takes 0xA0, so [\\s\\S] is any byte (was: ranges made of the blanks, and à cut by [\\s\\S])', () => {
  const split = (pattern: string, text: string) => text.split(byteRegExp(pattern));
  assert.deepEqual(split('[\\s-z]', 'aXbQc-d'), ['aXbQc', 'd']);
  assert.deepEqual(split('[a\\s-c]', 'aXbQc-d'), ['', 'XbQ', '', 'd']);
  assert.deepEqual(split('[!-\\s]', 'aXbQc-d'), ['aXbQc', 'd']);
  assert.deepEqual(split('[#\\-\\s]', 'a#b c-d'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(split('[\\\\-\\s]', 'a\\b-c d'), ['a', 'b', 'c', 'd']);
  assert.equal(VOILA.replace(byteRegExp('[\\s\\S]', 'g'), ''), '');
  assert.equal(VOILA.replace(byteRegExp('[\\S]', 'g'), ''), ' ');
  assert.deepEqual(VOILA.split(byteRegExp('[^\\S]+')), ['voil\xc3\xa0', 'tout']);
});

test('a pattern that is no regular expression is said as written, not as rewritten, with V8\'s reason apart', () => {
  assert.throws(() => byteRegExp('(\\s+'), (error: Error & { reason?: string }) => {
    assert.equal(error.message, 'Invalid regular expression: /(\\s+/: Unterminated group');
    assert.equal(error.reason, 'Unterminated group');
    return true;
  });
});
