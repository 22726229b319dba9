import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parallelEnvWords } from '../../src/cli/parallel-env.js';

test("$PARALLEL is split at blanks a backslash does not escape, as GNU parallel reads it", () => {
  assert.deepEqual(parallelEnvWords(undefined), []);
  assert.deepEqual(parallelEnvWords('  '), []);
  assert.deepEqual(parallelEnvWords('-j2  --tag\t-k'), ['-j2', '--tag', '-k']);
  assert.deepEqual(parallelEnvWords('--tagstring a\\ b --colsep \\\\t'), ['--tagstring', 'a b', '--colsep', '\\t']);
});
