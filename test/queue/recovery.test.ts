// What a run through the queue survives besides a dead worker (queue.test.ts): its producer
// killed and run again with --resume, and a worker stopped past its locks that wakes up.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ResultPromise } from 'execa';
import { describe, test } from 'node:test';
import { mkdtemp, readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { waitForFile } from '../helpers/files.js';
import { assertAllEnded, descendantsOf } from '../helpers/processes.js';
import { waitForLines } from '../helpers/streams.js';
import { lines, prun } from '../helpers/prun.js';
import { inputs, useQueue } from '../helpers/queue.js';
import { runKeys, startRedis } from '../helpers/redis.js';

const bench = useQueue();

/**
 * `waiting`, and if it fails, what the worker and the producer said until then, in its
 * message: a wait that times out in CI is otherwise all that is known of it.
 */
async function saying(waiting: Promise<void>, worker: { stderr(): string }, producer: ResultPromise): Promise<void> {
  try {
    await waiting;
  } catch (error) {
    producer.kill('SIGKILL');
    const { stderr } = await producer.catch((failed: { stderr?: unknown }) => failed);
    throw new Error(`${(error as Error).message}\nworker's stderr:\n${worker.stderr()}\nproducer's stderr:\n${String(stderr)}`);
  }
}

describe('prun map --queue, recovery', () => {
  test('a producer SIGKILLed mid-run, run again with --resume: every input printed once across the two', async () => {
    // a Redis of its own: the killed run's keys stay until they expire, as they would in production
    const own = await startRedis();
    try {
      await killAndResume(own.url);
    } finally {
      await own.stop();
    }
  });

  test("a producer SIGKILLed with no worker: every key of its run expires, its jobs' too; a worker that takes one whose data expired drops it and leaves nothing (was: the jobs stayed for ever)", { timeout: 240_000 }, async () => {
    const own = await startRedis();
    try {
      const producer = prun(['map', 'fixtures/queue-square.ts', '--queue', own.url, '--chunksize', '100'], { input: inputs, stdin: 'pipe' });
      for (let i = 0; i < 3000 && Number(await own.command('LLEN', 'prun:batches:wait')) < 10; i++) await delay(10);
      producer.kill('SIGKILL');
      await producer.catch(() => {});
      const left = await runKeys(own, 0);
      assert.ok(left.some((key) => /^prun:batches:.{16}-\d+$/.test(key)), `its jobs are there: ${left.join(' ')}`);
      for (const key of left) assert.ok(Number(await own.command('PTTL', key)) > 0, `${key} expires`);
      // as if they had expired: the ids stay in the queue's wait list, their data is gone
      for (const key of left) await own.command('DEL', key);
      bench.worker(['--procs', '1'], {}, { url: own.url });
      for (let i = 0; i < 3000 && Number(await own.command('LLEN', 'prun:batches:wait')) > 0; i++) await delay(10);
      assert.equal(Number(await own.command('LLEN', 'prun:batches:wait')), 0);
      assert.deepEqual(await runKeys(own), []);
      for (let i = 0; i < 500 && Number(await own.command('ZCARD', 'prun:batches:completed')) > 0; i++) await delay(10);
      assert.equal(Number(await own.command('ZCARD', 'prun:batches:completed')), 0, 'no bare job kept as completed');
      assert.equal(Number(await own.command('ZCARD', 'prun:batches:failed')), 0);
      assert.equal(Number(await own.command('LLEN', 'prun:batches:active')), 0);
    } finally {
      await own.stop();
    }
  });

  async function killAndResume(url: string): Promise<void> {
    // input 5001 starts a batch of 100: the output stops just before it while the gate is shut
    const gate = await bench.gate(5001);
    const joblog = join(gate.dir, 'joblog');
    const pool = [bench.worker([], gate.env, { url }), bench.worker([], gate.env, { url })];
    const args = ['map', 'fixtures/queue-square.ts', '--queue', url, '--chunksize', '100', '--joblog', joblog];
    const killed = prun(args, { input: inputs, stdin: 'pipe' });
    await gate.reached();
    // all that can be printed is, and logged (a header, then a row an input): kill it now
    await waitForFile(joblog, (rows) => rows.length === 1 + 5000, 60_000);
    killed.kill('SIGKILL');
    const first = await killed;
    assert.equal(first.signal, 'SIGKILL');
    assert.equal(lines(String(first.stdout).trimEnd()).length, 5000);
    await gate.open();
    const resumed = await prun([...args, '--resume'], { input: inputs, stdin: 'pipe' });
    assert.equal(resumed.exitCode, 0, String(resumed.stderr));
    // execa takes each output's last newline off
    assert.equal(`${String(first.stdout)}\n${String(resumed.stdout)}`, bench.reference);
    await Promise.all(pool.map((each) => each.stop()));
  }

  test('a producer interrupted (Ctrl-C twice): its batches a worker holds never start, what runs of them ends, no key stays', async () => {
    const dir = await mkdtemp(join(bench.dir, 'interrupted-'));
    const started = join(dir, 'started');
    // the gate never opens: a gate holds its process until it is ended, and the batch the pool
    // placed behind it waits (which inputs those are depends on the placement)
    const env = { PRUN_TEST_STARTED: started, PRUN_TEST_GATE: join(dir, 'never') };
    const worker = bench.worker(['--procs', '2'], env);
    const producer = prun(['map', 'fixtures/gated.ts', '--queue', bench.redis.url, '--chunksize', '1', ':::', 'gate1', 'gate2', 'x3']);
    await saying(waitForFile(started, (rows) => rows.length === 2, 60_000), worker, producer);
    const before = (await readFile(started, 'utf8')).split('\n').filter(Boolean).sort();
    const pool = await descendantsOf(worker.pid);
    producer.kill('SIGINT');
    await waitForLines(producer.stderr!, /starting no more inputs/);
    producer.kill('SIGINT');
    assert.equal((await producer).exitCode, 130);
    // the run is over: the worker ends what runs of it, and starts none of the batches it holds
    await assertAllEnded(pool, 10_000);
    assert.deepEqual((await readFile(started, 'utf8')).split('\n').filter(Boolean).sort(), before);
    // the jobs it held complete as their batches end, and BullMQ removes them
    const deadline = Date.now() + 10_000;
    let left = await runKeys(bench.redis);
    while (left.length > 0 && Date.now() < deadline) {
      await delay(50);
      left = await runKeys(bench.redis);
    }
    assert.deepEqual(left, []);
    await worker.stop();
  });

  test('regression: a producer SIGKILLed while workers hold its batches: they end its run within seconds, start none of it, and leave no key (was: ran on for the keys\' 2 minutes)', async () => {
    const dir = await mkdtemp(join(bench.dir, 'orphaned-'));
    const started = join(dir, 'started');
    const env = { PRUN_TEST_STARTED: started, PRUN_TEST_GATE: join(dir, 'never') };
    const worker = bench.worker(['--procs', '2'], env);
    const producer = prun(['map', 'fixtures/gated.ts', '--queue', bench.redis.url, '--chunksize', '1', ':::', 'gate1', 'gate2', 'x3', 'x4']);
    await saying(waitForFile(started, (rows) => rows.length === 2, 60_000), worker, producer);
    const before = (await readFile(started, 'utf8')).split('\n').filter(Boolean).sort();
    const pool = await descendantsOf(worker.pid);
    producer.kill('SIGKILL');
    assert.equal((await producer).signal, 'SIGKILL');
    // the producer's silence is heard in 8 s (ProducerWatch), the sweeper ends the run's pool within 2 s more
    await assertAllEnded(pool, 30_000);
    assert.deepEqual((await readFile(started, 'utf8')).split('\n').filter(Boolean).sort(), before);
    assert.deepEqual(await runKeys(bench.redis), []);
    // the worker serves the next run
    const next = await prun(['map', 'fixtures/gated.ts', '--queue', bench.redis.url, ':::', 'y1', 'y2']);
    assert.equal(next.exitCode, 0, String(next.stderr));
    assert.deepEqual(lines(next.stdout), ['y1', 'y2']);
    await worker.stop();
  });

  test('a --threads worker SIGTERMed while a task waits: what setup() started ends with it (was: left running under init)', async () => {
    const dir = await mkdtemp(join(bench.dir, 'threads-children-'));
    const pids = join(dir, 'pids');
    const worker = bench.worker(['--threads', '1'], { PRUN_TEST_PIDS: pids });
    const producer = prun(['map', 'fixtures/setup-child.ts', '--queue', bench.redis.url, ':::', `wait ${join(dir, 'never')}`]);
    await saying(waitForFile(pids, (rows) => rows.length === 2, 60_000), worker, producer);
    const [, sleep] = (await readFile(pids, 'utf8')).split('\n').map(Number);
    process.kill(worker.pid, 'SIGTERM');
    assert.equal(await worker.exited, 0, worker.stderr());
    await assertAllEnded([sleep!]);
    producer.kill('SIGINT');
    assert.equal((await producer).exitCode, 130);
    assert.deepEqual(await runKeys(bench.redis), []);
  });

  test('a worker SIGSTOPped past its locks, then woken: its batch ran elsewhere, nothing printed twice', async () => {
    const gate = await bench.gate(10000);
    const pool = [bench.worker([], gate.env), bench.worker([], gate.env)];
    const run = prun(['map', 'fixtures/queue-square.ts', '--queue', bench.redis.url], { input: inputs, stdin: 'pipe' });
    const reached = await gate.reached();
    const stopped = pool.find((each) => reached === `reached-${each.pid}`)!;
    const other = pool.find((each) => each !== stopped)!;
    process.kill(stopped.pid, 'SIGSTOP');
    try {
      // its locks lapse, and the other worker's stalled check hands its batches out again
      await gate.reached(other.pid);
    } finally {
      process.kill(stopped.pid, 'SIGCONT');
    }
    // both hold the batch now; both finish it
    await gate.open();
    await bench.assertCompleted(await run);
    await Promise.all(pool.map((each) => each.stop()));
    for (const each of pool) assert.equal(await each.exited, 0);
  });
});
