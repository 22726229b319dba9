import { test } from 'node:test';
import assert from 'node:assert/strict';
import { delimiterOf } from '../../src/cli/exec-flags.js';

test("-d's escapes are unquote_printf's: \\t \\n \\r and octal; any other backslash as typed, as GNU parallel reads them", () => {
  assert.equal(delimiterOf('\\t'), '\t');
  assert.equal(delimiterOf('\\0'), '\0');
  assert.equal(delimiterOf('\\072'), ':');
  for (const typed of ['\\q', '\\a', '\\\\', 'q\\', '\\x3a']) assert.equal(delimiterOf(typed), typed);
  // Perl's: up to three octal digits a byte, the rest as typed; \8 and \9 the digit
  assert.equal(delimiterOf('\\018'), '\x018');
  assert.equal(delimiterOf('\\108'), '\x088');
  assert.equal(delimiterOf('\\9'), '9');
  assert.equal(delimiterOf('\\800'), '800');
  // past \377 Perl's wide character, the character of that code (was: its low byte, \400 a NUL)
  assert.equal(delimiterOf('\\400'), '\u0100');
  assert.equal(delimiterOf('\\777'), '\u01ff');
});

test('-d empty is refused as a usage error (GNU parallel\'s Perl would read paragraphs)', () => {
  assert.throws(() => delimiterOf(''), { code: 'ERR_USAGE' });
});
