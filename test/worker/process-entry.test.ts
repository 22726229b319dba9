import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lines, prun } from '../helpers/prun.js';

test('regression: a forked worker\'s fs.writeSync(1) and (2) after a long console.log wait for room (was: EAGAIN failed the input)', async () => {
  const result = await prun(['map', 'fixtures/writes-after-long-log.ts', '--procs', '1', ':::', 'x+2', 'y+2', 'z+2'], { maxBuffer: 64 << 20 });
  assert.equal(result.exitCode, 0, lines(result.stderr).filter((line) => line.startsWith('prun:')).join('\n'));
  assert.deepEqual(lines(result.stdout), ['x+2', 'y+2', 'z+2']);
  const own = lines(result.stderr).filter((line) => line.startsWith('fd '));
  assert.deepEqual(own, ['x+2', 'y+2', 'z+2'].flatMap((input) => [`fd 1 of ${input}`, `fd 2 of ${input}`]));
});
