// The script's bundle on the queue: each run keeps its own, so that runs of one script do not
// take it from one another.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { lines, prun } from '../helpers/prun.js';
import { useQueue } from '../helpers/queue.js';
import { runKeys } from '../helpers/redis.js';

const bench = useQueue();

/** Resolves once `count` runs are on the queue; bounded. */
async function waitForRuns(count: number): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (lines((await bench.redis.command('KEYS', 'prun:run:*')).trim()).length >= count) return;
    await delay(10);
  }
  throw new Error(`fewer than ${count} runs on the queue after 30 s`);
}

describe('prun map --queue, the script\'s bundle', () => {
  test('two runs of one script: the end of the first does not delete the bundle the second needs (was: its workers refused it)', async () => {
    // a script no worker has cached: its bundle must come from Redis
    const script = join(bench.dir, `square-${randomBytes(6).toString('hex')}.ts`);
    await writeFile(script, `export default (x: string): number => Number(x) ** 2; // ${randomBytes(6).toString('hex')}\n`);
    const second = prun(['map', script, '--queue', bench.redis.url, ':::', '1', '2', '3']);
    await waitForRuns(1);
    // the first to end runs on the producer's own worker, beside the second's waiting batches
    const first = await prun(['map', script, '--queue', bench.redis.url, '--procs', '1', ':::', '4', '5']);
    assert.equal(first.exitCode, 0, String(first.stderr));
    assert.deepEqual(lines(first.stdout), ['16', '25']);
    // a worker that comes only now, with no copy of the script: it fetches the second run's bundle
    bench.worker(['--procs', '1'], {}, { cwd: await mkdtemp(join(bench.dir, 'worker-')) });
    const result = await second;
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.deepEqual(lines(result.stdout), ['1', '4', '9']);
    assert.deepEqual(await runKeys(bench.redis), []);
  });
});
