// The pool's placement of inputs under --key, on real workers: a worker's first task is late to
// do its work (a thread's first fetch loads undici), so a keyed input, whose start was spaced
// from its key's others, goes to a worker that has ended a task while one has room.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { type Batch, newBatchId, SHARED } from '../../src/model/batch.js';
import type { ExecutorListener } from '../../src/model/executor.js';
import { NEWLINE } from '../../src/model/payload.js';
// built: a worker runs the built worker entry, which the TypeScript sources have no copy of
const { Pool, compileScript } = (await import('../../dist/lib/internals.js' as string)) as typeof import('../../src/internals.js');

const script = compileScript('fixtures/echo-worker.ts');
after(async () => (await script).dispose());

const keyed = (input: string, key: string | undefined): Batch => ({
  id: newBatchId(), first: 0, count: 1, payload: [input], separator: NEWLINE, attempt: 1, retried: 0, ...SHARED, origin: undefined, ...(key === undefined ? {} : { key }),
});

/** Starts a pool of two workers with room for 10 inputs each; `ran` says which worker ran an input, once it has. */
async function twoWorkers(runtime: 'thread' | 'process') {
  const pool = new Pool({ runtime, workers: 2, concurrency: 10, maxTasksPerWorker: undefined, memoryLimitMb: undefined, timeoutMs: undefined, timings: false, modulePath: script.then((s) => s.modulePath), format: 'text' });
  const workerOf = new Map<string, string>();
  const waiting = new Map<string, () => void>();
  const listener: ExecutorListener = {
    run: (_batch, _from, run) => {
      // echo-worker answers `INPUT PID:THREAD`
      for (const line of run.text.split('\n').filter(Boolean)) {
        const [input, worker] = line.split(' ') as [string, string];
        workerOf.set(input, worker);
        waiting.get(input)?.();
      }
    },
    lost: () => assert.fail('a batch was lost'),
    free: () => {},
    fatal: (error) => assert.fail(`fatal: ${error.message}`),
  };
  pool.start(listener);
  await pool.allReady;
  const ran = (input: string): Promise<string> => new Promise((resolve) => (workerOf.has(input) ? resolve(workerOf.get(input)!) : waiting.set(input, () => resolve(workerOf.get(input)!))));
  return { pool, ran };
}

describe('where the pool places an input', () => {
  for (const runtime of ['thread', 'process'] as const) {
    test(`${runtime === 'thread' ? 'threads' : 'processes'}: under --key, on a worker that has ended a task while it has room, never on one that has done nothing (was: spread evenly, and a key's request from a cold worker reached the server late, bunched with the next: 11 in a second at --key-rate 8/s)`, { timeout: 60_000 }, async () => {
      const { pool, ran } = await twoWorkers(runtime);
      try {
        pool.submit(keyed('first', 'a'), false);
        const warm = await ran('first');
        const inputs = Array.from({ length: 8 }, (_, i) => `k${i}`);
        for (const [i, input] of inputs.entries()) pool.submit(keyed(input, `key${i}`), false);
        assert.deepEqual(await Promise.all(inputs.map(ran)), inputs.map(() => warm));
        // without --key the least loaded worker takes it, as before: ties go to the first
        const spread = Array.from({ length: 8 }, (_, i) => `u${i}`);
        for (const input of spread) pool.submit(keyed(input, undefined), false);
        assert.equal(new Set(await Promise.all(spread.map(ran))).size, 2);
      } finally {
        await pool.kill();
      }
    });
  }
});
