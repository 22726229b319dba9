// The producer's own workers beside the queue: none unless asked for (--procs N / --threads N /
// -j N); with them, a run completes with no `prun worker` at all, and they end with it.
import assert from 'node:assert/strict';
import { readlink } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { assertAllEnded, descendantsOf } from '../helpers/processes.js';
import { lines, prun } from '../helpers/prun.js';
import { inputs, useQueue } from '../helpers/queue.js';
import { runKeys } from '../helpers/redis.js';
import { waitForLines } from '../helpers/streams.js';

const bench = useQueue();

/** The node processes among `pids`: forked workers, not the compiler's esbuild service. */
async function nodeProcesses(pids: number[]): Promise<number[]> {
  const exes = await Promise.all(pids.map((pid) => readlink(`/proc/${pid}/exe`).catch(() => '')));
  return pids.filter((_, i) => exes[i] === process.execPath);
}

/** Resolves once the queue holds `count` waiting jobs; bounded. */
async function waitForWaiting(count: number): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (Number(await bench.redis.command('LLEN', 'prun:batches:wait')) >= count) return;
    await delay(10);
  }
  throw new Error(`fewer than ${count} jobs waiting after 30 s`);
}

/**
 * `prun map --queue --procs 1` with no prun worker, once its own worker holds input 10000 (its
 * parent is the producer); the producer's node processes then.
 */
async function heldByItsOwnWorker() {
  const gate = await bench.gate(10000);
  const run = prun(['map', 'fixtures/queue-square.ts', '--queue', bench.redis.url, '--procs', '1'], { input: inputs, stdin: 'pipe', env: gate.env });
  await gate.reached(run.pid);
  return { run, gate, children: await nodeProcesses(await descendantsOf(run.pid!)) };
}

describe('prun map --queue, the producer\'s own workers', () => {
  test('--procs 1 and no prun worker: the run completes, and its worker ends with it', async () => {
    const { run, gate, children } = await heldByItsOwnWorker();
    assert.equal(children.length, 1, 'one local worker');
    await gate.open();
    await bench.assertCompleted(await run, children);
  });

  test('Ctrl-C of a producer with --procs 1: the batch it runs finishes, the rest never runs, nothing is left', async () => {
    const { run, gate, children } = await heldByItsOwnWorker();
    const stopping = waitForLines(run.stderr!, /^prun: interrupted: /);
    run.kill('SIGINT');
    await stopping;
    await gate.open();
    const result = await run;
    assert.equal(result.exitCode, 130, String(result.stderr));
    const printed = lines(result.stdout).length;
    assert.ok(printed >= 9999, `the inputs before the one held are printed (${printed})`);
    assert.deepEqual(lines(result.stdout), lines(bench.reference).slice(0, printed));
    const notRun = Number(/(\d+) never ran/.exec(String(result.stderr))?.[1]);
    assert.equal(printed + notRun, 20000, String(result.stderr));
    await assertAllEnded(children);
    assert.deepEqual(await runKeys(bench.redis), []);
  });

  test('--procs 1 beside two prun workers: every input once, as a local run prints it', async () => {
    const pool = [bench.worker(), bench.worker()];
    await bench.assertCompleted(await prun(['map', 'fixtures/queue-square.ts', '--queue', bench.redis.url, '--procs', '1'], { input: inputs, stdin: 'pipe' }));
    await Promise.all(pool.map((each) => each.stop()));
  });

  test('without --procs the producer runs nothing itself: its batches wait for a prun worker', async () => {
    const run = prun(['map', 'fixtures/queue-square.ts', '--queue', bench.redis.url], { input: inputs, stdin: 'pipe' });
    await waitForWaiting(64);
    assert.deepEqual(await nodeProcesses(await descendantsOf(run.pid!)), [], 'no worker process of its own');
    bench.worker();
    const result = await run;
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, bench.reference);
  });

  test('prun exec --queue -j 2 and no prun worker: what a local prun exec prints', async () => {
    const numbers = Array.from({ length: 200 }, (_, i) => String(i + 1));
    const command = 'echo {} $(({}*3)); test {} -ne 50';
    const local = await prun(['exec', '-j', '2', command, ':::', ...numbers]);
    const result = await prun(['exec', '--queue', bench.redis.url, '-j', '2', command, ':::', ...numbers]);
    assert.equal(result.exitCode, 1);
    assert.equal(result.stdout, local.stdout);
    assert.equal(result.stderr, local.stderr);
    assert.deepEqual(await runKeys(bench.redis), []);
  });
});
