import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeFailure, describeFatal } from '../../src/cli/report.js';
import { taskFailed } from '../../src/model/failure.js';

test("a failure's line names its causes, each by its first line (was: fetch's bare 'TypeError: fetch failed', the reason only in the joblog and --json)", () => {
  const thrown = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.5:8080\n    at internals'), { code: 'ECONNREFUSED' }) });
  const line = describeFailure({ index: 0, input: 'http://127.0.0.5:8080/x', error: taskFailed(thrown), attempts: 1, origin: undefined }, false);
  assert.equal(line, 'prun: input 0 "http://127.0.0.5:8080/x" failed: TypeError: fetch failed; cause: connect ECONNREFUSED 127.0.0.5:8080 …');
});

test("a failure's line escapes the control characters of the error's text, as it does the input's (was: an ESC sequence coloured stderr, a CR wrote over the line)", () => {
  const thrown = new Error('esc \x1b[31mRED\x1b[0m \r over \x85 C1\tand a tab');
  const line = describeFailure({ index: 0, input: 'a', error: taskFailed(thrown), attempts: 1, origin: undefined }, false);
  assert.equal(line, 'prun: input 0 "a" failed: esc \\u001b[31mRED\\u001b[0m \\r over \\u0085 C1\tand a tab');
});

test("a failure's line escapes the control characters of its input file's name too (was: a newline in the name made two lines)", () => {
  const line = describeFailure({ index: 0, input: 'a', error: taskFailed(new Error('boom')), attempts: 1, origin: { file: 'nl\nname\x1b.txt', line: 1 } }, false);
  assert.equal(line, 'prun: input 0 "a" (nl\\nname\\u001b.txt:1) failed: boom');
});

test('a fatal error\'s line escapes control characters too: setup() failed says what the script threw', () => {
  assert.equal(describeFatal(new Error('setup() failed: \x1b[2J'), false), 'prun: setup() failed: \\u001b[2J');
});

test('under --verbose the stack below the line is printable too: its first line says the message again (was: raw)', () => {
  const thrown = new Error('red \x1b[31mRED');
  const line = describeFailure({ index: 0, input: 'a', error: taskFailed(thrown), attempts: 1, origin: undefined }, true);
  assert.ok(!line.includes('\x1b'), line);
  assert.match(line, /\n {4}Error: red \\u001b\[31mRED\n {8}at /);
});
