import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lines, prun, runtimes } from '../helpers/prun.js';

describe('I/O-bound speed (was: a worker held one batch beyond its lanes, so all but one lane that ended waited a round trip through the main thread)', () => {
  for (const runtime of runtimes) {
    test(`${runtime} 1 --concurrency 5: once batches are known to be short, a worker holds 10 inputs, and runs 5 of them at once`, async () => {
      // 50 quick inputs tell prun that batches are short; then five inputs wait until their
      // worker holds ten: with room for only one batch beyond the lanes they would never end
      const inputs = [...Array.from({ length: 50 }, (_, i) => `quick${i}`), ...Array.from({ length: 5 }, (_, i) => `hold${i}`), ...Array.from({ length: 20 }, (_, i) => `after${i}`)];
      const result = await prun(['map', 'fixtures/held-inputs.ts', runtime, '1', '--concurrency', '5', '--chunksize', '1', ':::', ...inputs], {
        env: { PRUN_TEST_HOLD: '10' },
        timeout: 60_000,
      });
      assert.equal(result.exitCode, 0, String(result.stderr));
      const outputs = lines(result.stdout).map((line) => line.split(' '));
      assert.deepEqual(
        outputs.map(([input]) => input),
        inputs,
      );
      const most = outputs.map(([, count]) => Number(count));
      assert.ok(most.every((count) => count <= 5), `tasks at once: ${most}`);
      assert.equal(most[inputs.indexOf('hold4')], 5, 'the five inputs that hold ran at once');
    });
  }
});
