// One contract, every executor: threads, processes, shell lanes, the queue (on a real Redis, its
// batches run by the producer's own shell lanes), dry run and the in-memory fake run the same tests. Each accepted input ends exactly once; a lost batch comes with its blame;
// stop lets running work finish, kill ends everything, and nothing started is left running.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { type Batch, newBatchId, SHARED } from '../../src/model/batch.js';
import type { Delivery } from '../../src/model/delivery.js';
import type { Blame, Executor, ExecutorListener } from '../../src/model/executor.js';
import { NEWLINE } from '../../src/model/payload.js';
import { FakeExecutor } from '../helpers/fake-executor.js';
import { assertAllEnded, descendantsOf } from '../helpers/processes.js';
import { type RedisServer, startRedis } from '../helpers/redis.js';
import type { RunSpec } from '../../src/queue/wire.js';

/**
 * Inputs mean the same to every subject: `exit:3` takes down what runs it (on its first
 * attempt), `slow:MS` takes that long, anything else is echoed.
 */
// executors with real workers run from the build, where the workers' entry files are
const { DryRunExecutor, ShellExecutor, runPipeline, itemSource, Pool, ProgressTracker, compileScript, ProducerQueue, QueueExecutor, RunPool, shellLanes, WIRE } = (await import(
  '../../dist/lib/internals.js' as string
)) as typeof import('../../src/internals.js');

interface Subject {
  name: string;
  make(): Executor;
  /** It runs real workers that `exit:3` can take down. */
  dies: boolean;
  /** It can hold a running input (`slow:MS`) until stopped. */
  holds: boolean;
}

const script = compileScript('fixtures/faults.ts');
after(async () => (await script).dispose());

const pool = (runtime: 'thread' | 'process') => (): Executor =>
  new Pool({ runtime, workers: 2, concurrency: 1, maxTasksPerWorker: undefined, memoryLimitMb: undefined, timeoutMs: undefined, timings: false, modulePath: script.then((s) => s.modulePath), format: 'text' });

const SHELL_COMMAND = 'case {} in exit:*) kill -KILL $PPID;; slow:*) sleep 5;; *) echo {};; esac';

/** A redis-server of this file's own, for the queue: started before the first test. */
let redis: RedisServer | undefined;
before(async () => {
  redis = await startRedis();
});
after(async () => redis?.stop());

/**
 * The producer's executor on a run of its own, its batches taken off the queue by the
 * producer's own shell lanes (`prun exec --queue URL -j 2`): no `prun worker` needed.
 */
function queueExecutor(): Executor {
  const queue = new ProducerQueue(redis!.url);
  const run = randomBytes(8).toString('hex');
  const spec: RunSpec = { wire: WIRE, kind: 'exec', bundle: '', command: SHELL_COMMAND, retries: 0, format: 'text', timeoutMs: undefined, timings: false };
  const published = queue.publish(run, spec, undefined).then(() => spec);
  const local = shellLanes(spec, { runtime: 'process', workers: 2, concurrency: 1, memoryLimitMb: undefined }).then((lanes) => new RunPool(lanes, { ahead: true }));
  return new QueueExecutor({ queue, run, spec: published, local });
}

const subjects: Subject[] = [
  { name: 'threads', make: pool('thread'), dies: true, holds: true },
  { name: 'processes', make: pool('process'), dies: true, holds: true },
  {
    name: 'shell lanes',
    make: () => new ShellExecutor({ command: SHELL_COMMAND, jobs: 2, timeoutMs: undefined, tag: undefined, timings: false, retries: 0, onStderr: () => {} }),
    dies: true,
    holds: true,
  },
  { name: 'queue', make: queueExecutor, dies: true, holds: true },
  { name: 'dry run', make: () => new DryRunExecutor('echo {}'), dies: false, holds: false },
  {
    name: 'fake',
    make: () => new AutoFake(),
    dies: true,
    holds: false,
  },
];

/** The fake, running each batch as soon as it is given, as a real executor would on its own. */
class AutoFake extends FakeExecutor {
  constructor() {
    super(2, (input, attempt) => (input.startsWith('exit:') && attempt === 1 ? 'kill' : { output: input }));
  }
  override submit(batch: Batch): boolean {
    const cold = super.submit(batch);
    queueMicrotask(() => this.runNext());
    return cold;
  }
}

const batchOf = (inputs: string[], placement = SHARED): Batch => ({
  id: newBatchId(), first: 0, count: inputs.length, payload: inputs, separator: NEWLINE, attempt: 1, retried: 0, ...placement, origin: undefined,
});

/** A listener that records every report, and resolves `done` once the batch has ended. */
function recorder() {
  const reports: string[] = [];
  let blame: Blame | undefined;
  let ended!: () => void;
  const done = new Promise<void>((resolve) => (ended = resolve));
  let freed: (() => void) | undefined;
  /** Settles at the executor's next word that there may be room. */
  const free = () => new Promise<void>((resolve) => (freed = resolve));
  const listener: ExecutorListener = {
    run: (_batch, from, run, last) => {
      reports.push(`run ${from}+${run.count}${last ? ' last' : ''}`);
      if (last) ended();
    },
    lost: (_batch, from, lostBlame) => {
      reports.push(`lost ${from}`);
      blame = lostBlame;
      ended();
    },
    free: () => freed?.(),
    fatal: (error) => assert.fail(`fatal: ${error.message}`),
  };
  /** Submits the batch once the executor has room for it (workers become ready, lanes start on demand). */
  const place = async (executor: Executor, batch: Batch): Promise<void> => {
    while (executor.room(batch, false) < batch.count) await free();
    executor.submit(batch, false);
  };
  return { listener, reports, done, place, blame: () => blame };
}

/** Processes started since `before`, but prun's lifeline watcher, which lives as long as the test. */
async function startedSince(before: readonly number[]): Promise<number[]> {
  const now = await descendantsOf(process.pid);
  const started: number[] = [];
  for (const pid of now) {
    if (before.includes(pid)) continue;
    const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!command.includes('prun-lifeline')) started.push(pid);
  }
  return started;
}

for (const subject of subjects) {
  describe(`executor contract: ${subject.name}`, () => {
    test('each accepted input ends exactly once, a death included', async () => {
      const inputs = Array.from({ length: 40 }, (_, i) => (subject.dies && i === 17 ? 'exit:3' : `in${i}`));
      const tracker = new ProgressTracker();
      const pipeline = runPipeline({ source: itemSource(inputs), executor: subject.make(), workers: 2, ordered: true, chunksize: 3, retries: 0, halt: undefined, skip: undefined, journal: false, tracker });
      const ends = new Map<number, number>();
      for await (const delivery of pipeline.deliveries as AsyncIterable<Delivery>) {
        for (let index = delivery.first; index < delivery.first + delivery.count; index++) ends.set(index, (ends.get(index) ?? 0) + 1);
      }
      assert.deepEqual([...ends.keys()].sort((a, b) => a - b), inputs.map((_, i) => i));
      assert.ok([...ends.values()].every((count) => count === 1), 'an input ended twice');
      assert.equal(pipeline.fatalError(), undefined);
      assert.equal(tracker.succeeded + tracker.failed, inputs.length);
      // a death among quick inputs is charged exactly only when one input is known to run (see
      // attempts.test.ts); else its suspects run again alone, and this fixture's retry succeeds
      assert.ok(tracker.failed <= (subject.dies ? 1 : 0));
    });

    if (subject.dies) {
      test('a lost batch is reported from the input that took its worker down, with that input to blame', async () => {
        const executor = subject.make();
        const { listener, reports, done, place, blame } = recorder();
        executor.start(listener);
        await place(executor, batchOf(['a', 'exit:3', 'b'], { isolated: true, fresh: false }));
        await done;
        await executor.kill();
        assert.deepEqual(reports.filter((r) => r.startsWith('lost')), ['lost 1']);
        const lostBlame = blame();
        assert.ok(lostBlame && typeof lostBlame === 'object' && 'culprit' in lostBlame, `blame: ${JSON.stringify(lostBlame)}`);
        assert.match(lostBlame.culprit.code, /^ERR_WORKER_(EXIT|SIGNAL)$/);
      });
    }

    if (subject.holds) {
      test('stop lets the running input finish and reports the batch over; close ends every worker', async () => {
        const before = await descendantsOf(process.pid);
        const executor = subject.make();
        const { listener, reports, done, place } = recorder();
        executor.start(listener);
        await place(executor, batchOf(['slow:300', 'never']));
        executor.stop();
        await done;
        await executor.close();
        assert.deepEqual(reports.at(-1)?.endsWith('last'), true, reports.join(', '));
        assert.ok(!reports.some((r) => r.startsWith('lost')), reports.join(', '));
        await assertAllEnded(await startedSince(before));
      });

      test('kill ends everything at once, what runs included, and leaves no process behind', async () => {
        const before = await descendantsOf(process.pid);
        const executor = subject.make();
        const { listener, place } = recorder();
        executor.start(listener);
        await place(executor, batchOf(['slow:60000']));
        await executor.kill();
        await assertAllEnded(await startedSince(before));
      });
    }
  });
}
