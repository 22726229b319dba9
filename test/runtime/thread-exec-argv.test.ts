// What a worker thread inherits of the program's Node options (runtime/thread-spawn.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { threadExecArgv } from '../../src/runtime/thread-spawn.js';

test('--input-type, in either spelling, is not inherited by a thread (was: every thread died at start in a node --input-type=module -e program)', () => {
  assert.deepEqual(threadExecArgv(['--input-type=module', '-e', 'code']), ['-e', 'code']);
  assert.deepEqual(threadExecArgv(['--input-type', 'module', '--enable-source-maps']), ['--enable-source-maps']);
  assert.deepEqual(threadExecArgv(['--import', 'tsx', '--max-old-space-size=100']), ['--import', 'tsx', '--max-old-space-size=100']);
});
