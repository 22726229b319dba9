import assert from 'node:assert/strict';
import { test } from 'node:test';
import { printable } from '../../src/cli/stderr-line.js';

test("printable escapes control characters as an input is shown, C1 too, and keeps tabs and other text (a teardown()'s error quoted in a notice was raw)", () => {
  assert.equal(printable('teardown \x1b[31mRED\r\n\x85\tà一'), 'teardown \\u001b[31mRED\\r\\n\\u0085\tà一');
});
