// --memfree and --load, as GNU parallel users type them: a machine with room runs everything;
// limits that could never be met, or that would measure the wrong machine, are refused at once.
// (How a run waits while the machine is short: test/engine/scheduler/resource-gate.test.ts.)
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scratchDir } from '../helpers/files.js';
import { lines, prun } from '../helpers/prun.js';

const dir = scratchDir('machine-limits');

// limits far above what a busy test machine reaches: a run that waited here would wait on the
// other test files, not on the option
test('with room on the machine, --memfree and --load run every input, map and exec alike', async () => {
  const executed = await prun(['exec', '-j2', '--memfree', '1k', '--load', '1000', 'echo', ':::', 'a', 'b', 'c']);
  assert.equal(executed.exitCode, 0, String(executed.stderr));
  assert.deepEqual(lines(executed.stdout), ['a', 'b', 'c']);
  const mapped = await prun(['map', 'fixtures/square.ts', '--memfree', '1M', '--load', '100000%', ':::', '1', '2', '3']);
  assert.equal(mapped.exitCode, 0, String(mapped.stderr));
  assert.deepEqual(lines(mapped.stdout), ['1', '4', '9']);
});

test('--memfree above the memory the machine has is one line, exit 2, before anything runs (it would wait for ever)', async () => {
  const mark = join(dir, 'ran');
  const result = await prun(['exec', '--memfree', '1P', 'touch', mark, ':::', 'a']);
  assert.equal(result.exitCode, 2);
  assert.equal(lines(String(result.stderr).trimEnd()).length, 1, String(result.stderr));
  assert.match(String(result.stderr), /^prun: --memfree /);
  assert.equal(existsSync(mark), false);
});

test('--memfree and --load with --queue are refused before the queue is reached: they would measure this machine', async () => {
  for (const args of [['exec', '--memfree', '1M', '--queue', 'redis://127.0.0.1:1', 'echo', ':::', 'a'], ['map', 'fixtures/square.ts', '--load', '2', '--queue', 'redis://127.0.0.1:1', ':::', '1']]) {
    const result = await prun(args);
    assert.equal(result.exitCode, 2, String(result.stderr));
    assert.equal(lines(String(result.stderr).trimEnd()).length, 1, String(result.stderr));
    assert.match(String(result.stderr), /--memfree and --load/);
  }
});

test('a bad --memfree or --load names the option, exit 2', async () => {
  for (const [option, value] of [['--memfree', '2X'], ['--load', 'high']]) {
    const result = await prun(['exec', option!, value!, 'echo', ':::', 'a']);
    assert.equal(result.exitCode, 2);
    assert.match(String(result.stderr), new RegExp(`^prun: ${option} `));
  }
});
