import { test } from 'node:test';
import assert from 'node:assert/strict';
import { delimiterOf } from '../../src/cli/exec-flags.js';

test("-d's escapes are unquote_printf's: \\t \\n \\r and octal; any other backslash as typed, as GNU parallel reads them", () => {
  assert.equal(delimiterOf('\\t'), '\t');
  assert.equal(delimiterOf('\\0'), '\0');
  assert.equal(delimiterOf('\\072'), ':');
  for (const typed of ['\\q', '\\a', '\\\\', 'q\\', '\\x3a']) assert.equal(delimiterOf(typed), typed);
});

test('-d empty is refused as a usage error (GNU parallel\'s Perl would read paragraphs)', () => {
  assert.throws(() => delimiterOf(''), { code: 'ERR_USAGE' });
});
