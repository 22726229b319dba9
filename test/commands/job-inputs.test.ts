import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jobArgs } from '../../src/commands/job-inputs.js';
import { ARG_SEPARATOR, NEWLINE } from '../../src/model/payload.js';

test('a line read as it is is one argument: a NUL in it is written \\0, as GNU parallel does, and said (was: two arguments, silently)', () => {
  let said = 0;
  const args = jobArgs(Buffer.from('a\0b\nc\n', 'latin1'), NEWLINE, () => said++);
  assert.deepEqual(args, [['a\\0b'], ['c']]);
  assert.equal(said, 1);
});

test("inputs read into their arguments (:::, --colsep, -N) split back at the NUL that joins them", () => {
  assert.deepEqual(jobArgs([`a${ARG_SEPARATOR}b`, 'c'], NEWLINE), [['a', 'b'], ['c']]);
});
