import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { type Batch, newBatchId, SHARED } from '../../src/model/batch.js';
import { NEWLINE } from '../../src/model/payload.js';
import { bin, HUNG_MS, lines, prun, root, runtimes } from '../helpers/prun.js';
import { waitForLines } from '../helpers/streams.js';
import { scratchDir, waitForFile } from '../helpers/files.js';

const scratch = scratchDir('pool');

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

describe('a worker the pool ends itself', () => {
  for (const runtime of runtimes) {
    test(`${runtime}: one in its teardown() when the reader of stdout goes is ended unheard of: exit 141, no "died as it ended" (was: said under --threads, a thread ended by terminate() exits 1)`, { timeout: 180_000 }, async () => {
      // every input has run and the worker is ending, but the results wait on a reader that does not read
      const child = execa(bin, ['map', 'fixtures/teardown-waits.ts', runtime, '1', ':::', 'a', 'b', 'c'], {
        cwd: root,
        reject: false,
        timeout: HUNG_MS,
        env: { PRUN_TEST_PAD: String(1 << 20), PRUN_TEST_GATE: '/nonexistent/gate' },
        buffer: { stdout: false },
      });
      child.stdout!.once('data', () => child.stdout!.pause());
      await waitForLines(child.stderr!, /^teardown$/);
      child.stdout!.destroy();
      const result = await child;
      assert.equal(result.exitCode, 141, String(result.stderr));
      assert.deepEqual(lines(result.stderr), ['teardown']);
    });
  }
});

describe('workers that die between inputs while the input is quiet', () => {
  for (const runtime of runtimes) {
    test(`${runtime}: are replaced at once three times, then after a wait that doubles, and no input is lost (was: 4 replacements a second, a line each, for as long as the input was quiet)`, { timeout: 120_000 }, async () => {
      const setups = join(scratch, `setups-${runtime}`);
      const child = execa(bin, ['map', 'fixtures/dies-when-idle.ts', runtime, '1'], { cwd: root, reject: false, timeout: HUNG_MS, env: { PRUN_TEST_SETUPS: setups } });
      child.stdin!.write('a\n');
      const times = async (what: string) => (await readFile(setups, 'utf8')).split('\n').filter((line) => line.startsWith(`${what} `)).map((line) => Number(line.split(' ')[1]));
      await waitForFile(setups, (lines) => lines.filter((line) => line.startsWith('setup ')).length >= 8, 60_000);
      child.stdin!.end('b\n');
      const result = await child;
      const [starts, exits] = [await times('setup'), await times('exit')];
      // the seventh death's replacement waited 2 s (250 ms after the fourth, doubling)
      assert.ok(starts[7]! - exits[6]! >= 2000, `setups ${starts.map((time) => time - starts[0]!).join(', ')} ms, exits ${exits.map((time) => time - starts[0]!).join(', ')}`);
      // b came to a worker that may have died as it ran it: a, and b once, as result or failure
      assert.ok(lines(result.stdout).includes('a'), String(result.stderr));
      assert.ok(result.exitCode === 0 || result.exitCode === 1, String(result.stderr));
    });
  }
});

describe('a worker that has reported nothing yet (its first tasks may reach the outside late: --key-rate holds its key on them)', () => {
  test('is cold until its first report, and for COLD_WINDOW_MS after its first batch at most (was: until its first report, however late)', async () => {
    const { COLD_WINDOW_MS, isCold } = await import('../../src/pool/worker-slot.js');
    const slot = (givenAtReport: number, firstGivenAt: number | undefined) => ({ givenAtReport, firstGivenAt }) as unknown as import('../../src/pool/worker-slot.js').WorkerSlot;
    assert.deepEqual(
      [isCold(slot(0, undefined), 5000), isCold(slot(0, 1000), 1000 + COLD_WINDOW_MS - 1), isCold(slot(0, 1000), 1000 + COLD_WINDOW_MS), isCold(slot(1, 1000), 1001)],
      [true, true, false, false],
    );
  });

  for (const runtime of ['thread', 'process'] as const) {
    test(`${runtime}: submit() says a batch went to it, until its first report`, async () => {
      const { Pool, compileScript } = (await import('../../dist/lib/internals.js' as string)) as typeof import('../../src/internals.js');
      const script = await compileScript('fixtures/faults.ts');
      const pool = new Pool({ runtime, workers: 1, concurrency: 2, maxTasksPerWorker: undefined, memoryLimitMb: undefined, timeoutMs: undefined, timings: false, modulePath: Promise.resolve(script.modulePath), format: 'text' });
      const reported: string[] = [];
      let freed: () => void = () => {};
      pool.start({ run: (batch, _from, _run, last) => last && reported.push(String(batch.payload[0])), lost: () => assert.fail('lost'), free: () => freed(), fatal: (error) => assert.fail(error.message) });
      const free = () => new Promise<void>((resolve) => (freed = resolve));
      const batch = (input: string): Batch => ({ id: newBatchId(), first: 0, count: 1, payload: [input], separator: NEWLINE, attempt: 1, retried: 0, ...SHARED, origin: undefined });
      try {
        while (pool.room(SHARED, false) === 0) await free();
        // two at once, both before the worker has said anything
        assert.deepEqual([pool.submit(batch('slow:200'), false), pool.submit(batch('b'), false)], [true, true]);
        while (reported.length < 1) await free();
        assert.equal(pool.submit(batch('c'), false), false);
      } finally {
        await pool.kill();
        await script.dispose();
      }
    });
  }
});
