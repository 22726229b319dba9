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
const youngScript = join(dir, 'young.ts');
writeFileSync(youngScript, "import { resourceLimits } from 'node:worker_threads';\nexport default () => resourceLimits.maxYoungGenerationSizeMb;\n");

describe('heap settings', () => {
  test('only a worker of one task at a time keeps its heap small', () => {
    assert.equal(keepsHeapSmall(1), true);
    assert.equal(keepsHeapSmall(2), false);
    assert.equal(keepsHeapSmall(100), false);
  });

  test('a forked worker of one task at a time caps its semi-spaces and grows its old generation slowly', () => {
    const flags = forkedWorkerFlags(1);
    assert.ok(flags.includes(`--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`));
    assert.equal(flags.filter((flag) => flag.startsWith('--heap-growing-percent=')).length, 1);
  });

  test('a forked worker of many tasks at once starts with no V8 flag', () => {
    assert.deepEqual(forkedWorkerFlags(25), []);
  });

  test('forked workers of a run get them: slow growth at --concurrency 1, not at 2', async () => {
    for (const [concurrency, expected] of [['1', '1'], ['2', '0']] as const) {
      const result = await prun(['map', flagsScript, '--procs', '1', '--concurrency', concurrency, ':::', 'a']);
      assert.equal(result.exitCode, 0, result.stderr);
      assert.deepEqual(lines(result.stdout), [expected]);
    }
  });

  test("worker threads of a run: small semi-spaces at --concurrency 1, V8's own at 2", async () => {
    const young = async (concurrency: string): Promise<number> => {
      const result = await prun(['map', youngScript, '--threads', '1', '--concurrency', concurrency, ':::', 'a']);
      assert.equal(result.exitCode, 0, result.stderr);
      return Number(lines(result.stdout)[0]);
    };
    assert.equal(await young('1'), 3 * WORKER_SEMI_SPACE_MB);
    assert.ok((await young('2')) > 3 * WORKER_SEMI_SPACE_MB);
  });
});
