// How each isolate keeps its heap: a worker of one task at a time is kept small, one of many
// async tasks is left to V8 (forced collections cost a crawl more than its own work).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { forkedWorkerFlags, keepsHeapSmall, WORKER_SEMI_SPACE_MB } from '../../src/runtime/heap-settings.js';
import { scratchDir } from '../helpers/files.js';
import { lines, prun } from '../helpers/prun.js';

const dir = scratchDir('heap-settings');
const flagsScript = join(dir, 'flags.ts');
writeFileSync(flagsScript, "export default () => process.execArgv.filter((flag) => flag.startsWith('--heap-growing-percent')).length;\n");

describe('heap settings', () => {
  test('only a worker of one task at a time keeps its heap small', () => {
    assert.equal(keepsHeapSmall(1), true);
    assert.equal(keepsHeapSmall(2), false);
    assert.equal(keepsHeapSmall(100), false);
  });

  test("a forked worker's young generation is capped whatever its concurrency", () => {
    for (const concurrency of [1, 25]) assert.ok(forkedWorkerFlags(concurrency).includes(`--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`));
  });

  test('a forked worker grows its old generation slowly only when it keeps its heap small', () => {
    const growth = (flags: string[]) => flags.filter((flag) => flag.startsWith('--heap-growing-percent='));
    assert.equal(growth(forkedWorkerFlags(1)).length, 1);
    assert.deepEqual(growth(forkedWorkerFlags(25)), []);
  });

  test('forked workers of a run get them: slow growth at --concurrency 1, not at 2', async () => {
    for (const [concurrency, expected] of [['1', '1'], ['2', '0']] as const) {
      const result = await prun(['map', flagsScript, '--procs', '1', '--concurrency', concurrency, ':::', 'a']);
      assert.equal(result.exitCode, 0, result.stderr);
      assert.deepEqual(lines(result.stdout), [expected]);
    }
  });
});
