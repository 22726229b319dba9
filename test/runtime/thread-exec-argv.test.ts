// What a worker thread inherits of the program's Node options (runtime/thread-spawn.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execa } from 'execa';
import { bin, lines, root } from '../helpers/prun.js';
import { threadExecArgv } from '../../src/runtime/thread-spawn.js';

test('--input-type, in either spelling, is not inherited by a thread (was: every thread died at start in a node --input-type=module -e program)', () => {
  assert.deepEqual(threadExecArgv(['--input-type=module', '-e', 'code']), ['-e', 'code']);
  assert.deepEqual(threadExecArgv(['--input-type', 'module', '--enable-source-maps']), ['--enable-source-maps']);
  // nothing to drop: the thread inherits them as Node gives them (was: given explicitly, Node
  // refused --max-old-space-size and every thread failed to start)
  assert.equal(threadExecArgv(['--import', 'tsx', '--max-old-space-size=100']), undefined);
});

test('prun --threads under node --max-old-space-size runs (was: ERR_WORKER_INVALID_EXEC_ARGV, a stack trace)', async () => {
  const result = await execa(process.execPath, ['--max-old-space-size=2048', bin, 'map', 'fixtures/square.ts', '--threads', '1', ':::', '3'], { cwd: root, reject: false });
  assert.equal(result.exitCode, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), ['9']);
});
