// The producer's executor against an in-memory queue, no Redis and no worker: what it does with
// the order in which the queue answers, which a real Redis decides by chance.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { ExecutorListener, ExecutorRun } from '../../src/model/executor.js';
import { type Batch, newBatchId, SHARED } from '../../src/model/batch.js';
import { NEWLINE } from '../../src/model/payload.js';
import type { ProducerQueue } from '../../src/queue/bullmq.js';
import { QueueExecutor } from '../../src/queue/queue-executor.js';
import type { RunPool } from '../../src/queue/run-pool.js';
import { type JobData, type Report, type RunSpec, WIRE } from '../../src/queue/wire.js';

const SPEC: RunSpec = { wire: WIRE, kind: 'exec', bundle: '', command: 'echo {}', format: 'text', timeoutMs: undefined, timings: false };

/** A queue whose adds land when the test says, and whose reports are the ones the test gives. */
class FakeQueue {
  readonly url = 'redis://fake';
  readonly health = { downSince: (): number | undefined => undefined, cause: () => '' };
  /** Batch ids on the queue, not taken. */
  readonly waiting = new Set<number>();
  private readonly adds: (() => void)[] = [];
  private readonly reported: Report[] = [];
  private wakeReader: (() => void) | undefined;

  add(data: JobData): Promise<void> {
    return new Promise((resolve) => this.adds.push(() => (this.waiting.add(data.batch), resolve())));
  }
  /** The adds sent so far reach the queue. */
  land(): void {
    for (const add of this.adds.splice(0)) add();
  }
  /** How many takes of a batch count when it is taken off: those of workers that started it and died. */
  takes = 0;
  withdraw(_run: string, batch: number): Promise<number | undefined> {
    return Promise.resolve(this.waiting.delete(batch) ? this.takes : undefined);
  }
  give(...reports: Report[]): void {
    this.reported.push(...reports);
    this.wakeReader?.();
  }
  async reports(): Promise<Report[]> {
    if (this.reported.length === 0) await new Promise<void>((resolve) => (this.wakeReader = resolve));
    this.wakeReader = undefined;
    return this.reported.splice(0);
  }
  async close(): Promise<void> {
    this.wakeReader?.();
  }
  /** What the run's workers were told, in order: `stop`, `heard WORKER DELIVERY`. */
  readonly told: string[] = [];
  stopRun(): Promise<void> {
    this.told.push('stop');
    return Promise.resolve();
  }
  heard(_run: string, ends: Map<string, string>): Promise<void> {
    for (const [worker, delivery] of ends) this.told.push(`heard ${worker} ${delivery}`);
    return Promise.resolve();
  }
  refresh = () => Promise.resolve();
  heartbeat = () => Promise.resolve();
  serving = () => Promise.resolve(0);
  failed = () => Promise.resolve([]);
  end = () => Promise.resolve();
}

/** Executors of the test that runs: killed after it whatever happened, so that their timers end too. */
const executors: QueueExecutor[] = [];
afterEach(async () => {
  await Promise.all(executors.splice(0).map((executor) => executor.kill()));
});

/**
 * A queue executor on a fake queue, started, once it has said it has room. `onRun`: what the
 * pipeline does as a run is reported (halts, say).
 */
async function started(spec: RunSpec = SPEC, onRun: (executor: QueueExecutor) => void = () => {}, notice?: (line: string) => void) {
  const queue = new FakeQueue();
  const executor = new QueueExecutor({ queue: queue as unknown as ProducerQueue, run: 'r1', spec: Promise.resolve(spec), notice });
  executors.push(executor);
  const reports: string[] = [];
  let freed: () => void = () => {};
  let ended: () => void = () => {};
  const listener: ExecutorListener = {
    run: (_batch, from, run, last) => {
      reports.push(`run ${from}+${run.count}${last ? ' last' : ''}`);
      onRun(executor);
      if (last) ended();
    },
    lost: (_batch, from, blame) => {
      reports.push(`lost ${from}${typeof blame === 'string' ? ` ${blame}` : ' culprit'}`);
      ended();
    },
    free: () => freed(),
    fatal: (error) => assert.fail(error.message),
  };
  const free = new Promise<void>((resolve) => (freed = resolve));
  const over = new Promise<void>((resolve) => (ended = resolve));
  executor.start(listener);
  await free;
  return { queue, executor, reports, over };
}

const batchOf = (count: number): Batch => ({
  id: newBatchId(), first: 0, count, payload: Array.from({ length: count }, (_, i) => `in${i}`), separator: NEWLINE, attempt: 1, retried: 0, ...SHARED, origin: undefined,
});

/** A batch of `count` inputs on the queue, then the reports a worker sends of it: what reached the pipeline once the last came. */
async function reportsFor(count: number, sent: (batch: number) => Report[]): Promise<{ reports: string[]; batch: Batch; notices: string[] }> {
  const notices: string[] = [];
  const { queue, executor, reports, over } = await started(SPEC, () => {}, (line) => notices.push(line));
  const batch = batchOf(count);
  executor.submit(batch);
  queue.land();
  queue.give(...sent(batch.id));
  await over;
  return { reports, batch, notices };
}

const runOf = (count: number): ExecutorRun => ({ count, text: 'x\n'.repeat(count), values: undefined, failures: [], durationsMs: undefined });

/**
 * A batch a worker took (its start heard), then back on the queue with `takes` of its takes
 * counting, and taken off by the producer's own workers: the attempts they were given.
 */
async function takenOverLocally(takes: number): Promise<{ attempts: number[]; batch: Batch; notices: string[] }> {
  const notices: string[] = [];
  const attempts: number[] = [];
  const pool = {
    whenRoom: () => Promise.resolve(),
    submit: (fields: Omit<Batch, 'id'>, sink: { run: (from: number, run: ExecutorRun, last: boolean, elapsedMs: number) => void }) => {
      attempts.push(fields.attempt);
      sink.run(0, runOf(fields.count), true, 1);
      return Promise.resolve(undefined);
    },
    stop: () => {},
    close: () => Promise.resolve(),
    kill: () => Promise.resolve(),
  };
  const queue = new FakeQueue();
  queue.takes = takes;
  let served: () => void = () => {};
  const heard = new Promise<void>((resolve) => (served = resolve));
  const executor = new QueueExecutor({ queue: queue as unknown as ProducerQueue, run: 'r1', spec: Promise.resolve(SPEC), local: Promise.resolve(pool as unknown as RunPool), onServed: () => served(), notice: (line) => notices.push(line) });
  executors.push(executor);
  let ended: () => void = () => {};
  const over = new Promise<void>((resolve) => (ended = resolve));
  executor.start({ run: (_batch, _from, _run, last) => last && ended(), lost: () => assert.fail('lost'), free: () => {}, fatal: (error) => assert.fail(error.message) });
  await executor.ready;
  const batch = batchOf(2);
  executor.submit(batch);
  queue.give({ type: 'start', batch: batch.id, delivery: 'd1', attempt: 1, worker: 'w1' });
  // heard, with the take it says, before the batch is on the queue for the lane
  await heard;
  queue.land();
  await over;
  return { attempts, batch, notices };
}

describe('QueueExecutor', () => {
  test('a stop while a batch is still being added withdraws it once it is on the queue (regression: a stop just after a submit hung the run)', { timeout: 60_000 }, async () => {
    const { queue, executor, reports, over } = await started();
    const batch = batchOf(2);
    executor.submit(batch);
    executor.stop();
    queue.land();
    await over;
    assert.deepEqual(reports, ['run 0+0 last']);
    assert.equal(queue.waiting.has(batch.id), false, 'nothing is left on the queue for a worker to take');
  });

  test('each input reaches the pipeline once: a report again, or from an earlier take of the batch, is dropped', { timeout: 60_000 }, async () => {
    const { queue, executor, reports, over } = await started();
    const batch = batchOf(3);
    executor.submit(batch);
    queue.land();
    const report = (delivery: string, from: number, count: number, last: boolean): Report => ({ type: 'run', batch: batch.id, delivery, from, last, elapsedMs: 1, run: runOf(count), worker: 'w' });
    queue.give(
      { type: 'start', batch: batch.id, delivery: 'd1', attempt: 1, worker: 'w' },
      report('d1', 0, 2, false),
      report('d1', 0, 2, false), // the same report twice
      report('d0', 2, 1, true), // a take that lost its lock
      report('d1', 2, 1, true),
    );
    await over;
    assert.deepEqual(reports, ['run 0+2', 'run 2+1 last']);
  });

  test('inputs run by a take that is no longer the batch\'s (its machine froze past its locks, then woke) are said once a batch, as what may have been done twice; a report sent twice is not (was: said nowhere, a review)', { timeout: 60_000 }, async () => {
    const notices: string[] = [];
    const { queue, executor, reports, over } = await started(SPEC, () => {}, (line) => notices.push(line));
    const batch = { ...batchOf(3), first: 10 };
    executor.submit(batch);
    queue.land();
    const report = (delivery: string, worker: string, from: number, count: number, last: boolean): Report => ({ type: 'run', batch: batch.id, delivery, from, last, elapsedMs: 1, run: runOf(count), worker });
    queue.give(
      { type: 'start', batch: batch.id, delivery: 'd1', attempt: 1, worker: 'w1' },
      report('d1', 'w1', 0, 1, false),
      report('d1', 'w1', 0, 1, false), // the same report twice
      // taken again from the first input with no result sent
      { type: 'start', batch: batch.id, delivery: 'd2', attempt: 2, worker: 'w2', from: 1 },
      report('d1', 'w1', 1, 2, false), // w1, woken
      report('d1', 'w1', 1, 2, false),
      report('d2', 'w2', 1, 2, true),
    );
    await over;
    assert.deepEqual(reports, ['run 0+1', 'run 1+2 last']);
    // w2's take says it runs them again; w1's late run is said once, its report twice or not
    assert.equal(notices.length, 2, notices.join('\n'));
    assert.match(notices[0]!, /^prun: inputs 11–12 were taken over by w2 /);
    assert.match(notices[1]!, /^prun: w1 ran inputs 11–12 after another worker had taken them over/);
  });

  test('a take that reports after its batch is over names the inputs it ran, from the report (was: "ran 1 input", unnamed: a review)', { timeout: 60_000 }, async () => {
    const notices: string[] = [];
    const { queue, executor, reports, over } = await started(SPEC, () => {}, (line) => notices.push(line));
    const batch = { ...batchOf(3), first: 10 };
    executor.submit(batch);
    queue.land();
    queue.give(
      { type: 'start', batch: batch.id, delivery: 'd1', attempt: 1, worker: 'w1' },
      { type: 'start', batch: batch.id, delivery: 'd2', attempt: 2, worker: 'w2' },
      { type: 'run', batch: batch.id, delivery: 'd2', from: 0, last: true, elapsedMs: 1, run: runOf(3), worker: 'w2', first: 10 },
      // w1, woken after the batch was over
      { type: 'run', batch: batch.id, delivery: 'd1', from: 1, last: false, elapsedMs: 1, run: runOf(1), worker: 'w1', first: 10 },
    );
    await over;
    assert.deepEqual(reports, ['run 0+3 last']);
    // w2's take says it runs them again; w1's late run is said once, its report twice or not
    assert.equal(notices.length, 2, notices.join('\n'));
    assert.match(notices[0]!, /^prun: inputs 10–12 were taken over by w2 /);
    assert.match(notices[1]!, /^prun: w1 ran input 11 after another worker had taken it over/);
  });

  test('a batch taken again (its machine died before it reported) runs as the next attempt, the batch says so (every start counted), and one line says they run again (was: said nowhere, a review)', { timeout: 60_000 }, async () => {
    const { reports, batch, notices } = await reportsFor(2, (id) => [
      { type: 'start', batch: id, delivery: 'd1', attempt: 1, worker: 'w1' },
      { type: 'start', batch: id, delivery: 'd2', attempt: 2, worker: 'w2' },
      { type: 'run', batch: id, delivery: 'd2', from: 0, last: true, elapsedMs: 1, run: runOf(2), worker: 'w2' },
    ]);
    assert.deepEqual(reports, ['run 0+2 last']);
    assert.equal(batch.attempt, 2);
    assert.deepEqual(notices, ['prun: inputs 0–1 were taken over by w2 from a worker that died, froze or left holding them, perhaps after it began them: they run as attempt 2, every start counted in ctx.attempt']);
  });

  test('a batch handed back unstarted and taken again runs as the same attempt, and nothing is said', { timeout: 60_000 }, async () => {
    const { batch, notices } = await reportsFor(1, (id) => [
      { type: 'start', batch: id, delivery: 'd1', attempt: 1, worker: 'w1' },
      { type: 'start', batch: id, delivery: 'd2', attempt: 1, worker: 'w2' },
      { type: 'run', batch: id, delivery: 'd2', from: 0, last: true, elapsedMs: 1, run: runOf(1), worker: 'w2' },
    ]);
    assert.equal(batch.attempt, 1);
    assert.deepEqual(notices, []);
  });

  test("a batch a worker started and never reported, taken by the producer's own workers, runs as the next attempt (was: the same one, a start fewer: a review)", { timeout: 60_000 }, async () => {
    // its take counts: the worker started it, and died
    const { attempts, batch, notices } = await takenOverLocally(1);
    assert.deepEqual(attempts, [2]);
    assert.equal(batch.attempt, 2);
    assert.deepEqual(notices, ['prun: inputs 0–1 were taken over by this machine from a worker that died, froze or left holding them, perhaps after it began them: they run as attempt 2, every start counted in ctx.attempt']);
  });

  test("a batch a worker took and handed back unstarted (its take taken back), taken by the producer's own workers, runs as the same attempt (was, after c5ea9c3: the next, a start more than happened: a review)", { timeout: 60_000 }, async () => {
    const { attempts, batch, notices } = await takenOverLocally(0);
    assert.deepEqual(attempts, [1]);
    assert.equal(batch.attempt, 1);
    assert.deepEqual(notices, []);
  });

  test('a batch lost with the inputs that never ran on the worker: blamed on none, as a local pool does', { timeout: 60_000 }, async () => {
    const { reports } = await reportsFor(2, (id) => [
      { type: 'start', batch: id, delivery: 'd1', attempt: 1, worker: 'w' },
      { type: 'lost', batch: id, delivery: 'd1', from: 0, none: true, worker: 'w' },
    ]);
    assert.deepEqual(reports, ['lost 0 none']);
  });

  test('a halting run: each end a worker reports is said to be heard, ignored ones too, after the stop it caused (was: a worker started what it held before the producer saw the halt)', { timeout: 60_000 }, async () => {
    const { queue, executor, reports, over } = await started({ ...SPEC, halting: true }, (executor) => executor.stop());
    const batch = batchOf(1);
    executor.submit(batch);
    queue.land();
    queue.give(
      { type: 'start', batch: batch.id, delivery: 'd1', attempt: 1, worker: 'w1' },
      { type: 'lost', batch: batch.id, delivery: 'd0', from: 0, none: true, worker: 'w2' }, // a take that lost its lock
      { type: 'run', batch: batch.id, delivery: 'd1', from: 0, last: true, elapsedMs: 1, run: runOf(1), worker: 'w1' },
    );
    await over;
    assert.deepEqual(reports, ['run 0+1 last']);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(queue.told, ['stop', 'heard w2 d0', 'heard w1 d1']);
  });

  test('a run without --halt: its workers are told of a stop, and of no end heard', { timeout: 60_000 }, async () => {
    const { queue, executor, over } = await started(SPEC, (executor) => executor.stop());
    const batch = batchOf(1);
    executor.submit(batch);
    queue.land();
    queue.give({ type: 'start', batch: batch.id, delivery: 'd1', attempt: 1, worker: 'w1' }, { type: 'run', batch: batch.id, delivery: 'd1', from: 0, last: true, elapsedMs: 1, run: runOf(1), worker: 'w1' });
    await over;
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(queue.told, ['stop']);
  });
});
