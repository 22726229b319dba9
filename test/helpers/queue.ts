import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before } from 'node:test';
import { waitForEntry } from './files.js';
import { bin, lines, prun, root } from './prun.js';
import { assertAllEnded } from './processes.js';
import { type PrunWorker, type RedisServer, runKeys, startPrunWorker, startRedis } from './redis.js';

/** What a test file of the queue works with; set up by useQueue(). */
export interface QueueBench {
  redis: RedisServer;
  /** A scratch folder of the file's own, removed at its end. */
  dir: string;
  /** `seq 20000 | prun map fixtures/queue-square.ts` as a local run prints it. */
  reference: string;
  /**
   * A `prun worker` with ARGS (`--procs 2` unless they say otherwise), on this file's Redis
   * unless `where` names another, from the project root unless in another folder; ended after
   * the test whatever happens.
   */
  worker(args?: string[], env?: NodeJS.ProcessEnv, where?: { url?: string; cwd?: string }): PrunWorker;
  /** A gate at input `at` of fixtures/queue-square.ts, in a folder of its own. */
  gate(at: number): Promise<Gate>;
  /**
   * A run of `inputs` through the queue ended as a local run does: exit 0, what a local run
   * prints, and nothing left of it: the processes `ended` (if given) gone, no key in Redis.
   */
  assertCompleted(result: { exitCode?: number | undefined; stdout: unknown; stderr: unknown }, ended?: number[]): Promise<void>;
}

/**
 * Where fixtures/queue-square.ts holds the worker that reaches one input, until the test
 * opens it: a kill, a stop or an outage then lands while that batch is held, not by chance.
 */
export interface Gate {
  /** The folder, for files of the test's own. */
  dir: string;
  /** What the processes that run the fixture need in their environment. */
  env: NodeJS.ProcessEnv;
  /** Resolves once the input is reached (by the process `pid`, when given), with the entry `reached-PID`. */
  reached(pid?: number): Promise<string>;
  open(): Promise<void>;
}

/** A gate at input `at` of fixtures/queue-square.ts, in a new folder under `parent`. */
export async function gateIn(parent: string, at: number): Promise<Gate> {
  const dir = await mkdtemp(join(parent, 'gate-'));
  return {
    dir,
    env: { PRUN_TEST_GATE_DIR: dir, PRUN_TEST_HALT: String(at) },
    reached: (pid) => waitForEntry(dir, pid === undefined ? 'reached-' : `reached-${pid}`),
    open: () => writeFile(join(dir, 'open'), ''),
  };
}

/** 1..20000, a line each: enough batches that a kill lands mid-run. */
export const inputs = Array.from({ length: 20000 }, (_, i) => `${i + 1}\n`).join('');

/**
 * A real redis-server of the test file's own, and workers that are ended after each test, so
 * that a test that fails leaves no worker behind to take the next test's runs.
 */
export function useQueue(): QueueBench {
  const workers: PrunWorker[] = [];
  const bench = {
    worker(args: string[] = [], env: NodeJS.ProcessEnv = {}, where: { url?: string; cwd?: string } = {}): PrunWorker {
      const runtime = args.includes('--procs') || args.includes('--threads') ? [] : ['--procs', '2'];
      const started = startPrunWorker(bin, where.cwd ?? root, where.url ?? bench.redis.url, [...runtime, ...args], env);
      workers.push(started);
      return started;
    },
    gate: (at: number) => gateIn(bench.dir, at),
    async assertCompleted(result, ended): Promise<void> {
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal(result.stdout, bench.reference);
      if (ended) await assertAllEnded(ended);
      assert.deepEqual(await runKeys(bench.redis), [], 'a finished run leaves no keys');
    },
  } as QueueBench;
  before(async () => {
    bench.redis = await startRedis();
    bench.dir = await mkdtemp(join(tmpdir(), 'prun-queue-'));
    bench.reference = String((await prun(['map', 'fixtures/queue-square.ts'], { input: inputs, stdin: 'pipe' })).stdout);
    assert.equal(lines(bench.reference).length, 20000);
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  });
  after(async () => {
    await bench.redis?.stop();
    if (bench.dir) await rm(bench.dir, { recursive: true, force: true });
  });
  return bench;
}
