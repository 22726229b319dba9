import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Batch } from '../../src/model/batch.js';
import type { Delivery } from '../../src/model/delivery.js';
import type { Executor, ExecutorListener } from '../../src/model/executor.js';
import { type PipelineOptions, runPipeline } from '../../src/engine/pipeline.js';
import { PrunError } from '../../src/errors.js';
import { itemSource } from '../../src/io/item-source.js';
import { ProgressTracker } from '../../src/progress/tracker.js';

/**
 * One lane that runs a batch when told to, the way any executor (the pool, shell lanes)
 * talks to the pipeline: the test decides when batches finish and when running cannot go on.
 */
class ManualExecutor implements Executor {
  readonly capacity = 1;
  readonly ready = Promise.resolve();
  listener!: ExecutorListener;
  held: Batch | undefined;
  private submitted!: () => void;
  next = this.nextSubmit();

  start(listener: ExecutorListener): void {
    this.listener = listener;
  }
  room(): number {
    return this.held ? 0 : 1;
  }
  submit(batch: Batch): void {
    assert.equal(this.held, undefined, 'a batch was submitted with no room');
    this.held = batch;
    this.submitted();
  }
  /** Runs the held batch: each input's result is the input itself. */
  finish(): void {
    const batch = this.held!;
    this.held = undefined;
    this.next = this.nextSubmit();
    const text = (batch.payload as string[]).map((input) => `${input}\n`).join('');
    this.listener.run(batch, 0, { count: batch.count, text, values: undefined, failures: [], durationsMs: undefined }, true, 1);
    this.listener.free();
  }
  stop(): void {}
  async close(): Promise<void> {}
  async kill(): Promise<void> {}
  private nextSubmit(): Promise<void> {
    return new Promise((resolve) => {
      this.submitted = resolve;
    });
  }
}

/** A pipeline of one input a batch over `source` and `executor`, with its deliveries collected. */
function runManually(source: ReturnType<typeof itemSource>, executor: Executor, more: Partial<PipelineOptions> = {}) {
  const tracker = new ProgressTracker();
  const pipeline = runPipeline({ source, executor, workers: 1, ordered: true, chunksize: 1, retries: 0, halt: undefined, skip: undefined, journal: false, tracker, ...more });
  const deliveries: Delivery[] = [];
  const consumed = (async () => {
    for await (const delivery of pipeline.deliveries) deliveries.push(delivery);
  })();
  return { pipeline, deliveries, consumed, tracker };
}

/** Each delivery as [type, first, count]: what was delivered for which inputs. */
const shapesOf = (deliveries: readonly Delivery[]) => deliveries.map((delivery) => [delivery.type, delivery.first, delivery.count]);

for (const [when, ended, running] of [
  ['now', 'is killed', ['skipped', 1, 1]],
  ['soon', 'ends and is delivered', ['text', 1, 1]],
] as const) {
  test(`ExecutorListener.fatal ${when}, after work has run: the running input ${ended}, the deliveries end normally, what never ran is counted, fatalError() says why`, async () => {
    const executor = new ManualExecutor();
    const { pipeline, deliveries, consumed, tracker } = runManually(itemSource(['a', 'b', 'c', 'd']), executor);
    await executor.next;
    executor.finish(); // a
    await executor.next; // b is running
    const error = new PrunError('ERR_WORKER_START', 'workers keep dying at start: worker exited with code 4');
    executor.listener.fatal(error, when);
    // soon, b ends well after the stop (a queue's worker refused the run: the others' inputs end); now, it was killed
    if (when === 'soon') executor.finish();
    await consumed;
    assert.equal(pipeline.fatalError(), error);
    assert.deepEqual(shapesOf(deliveries), [['text', 0, 1], running, ['skipped', 2, 2]]);
    assert.equal(tracker.succeeded, when === 'soon' ? 2 : 1);
    assert.equal(tracker.notRun, when === 'soon' ? 2 : 3);
  });
}

test('the source fails: what it gave runs, the one running included, and fatalError() says why after their outcomes (was: the running input killed, unreported)', async () => {
  const executor = new ManualExecutor();
  const error = new Error('source broke');
  function* inputs() {
    yield* ['a', 'b', 'c'];
    throw error;
  }
  const { pipeline, deliveries, consumed, tracker } = runManually(itemSource(inputs()), executor);
  for (let i = 0; i < 3; i++) {
    await executor.next;
    executor.finish();
  }
  await consumed;
  assert.equal(pipeline.fatalError(), error);
  assert.deepEqual(
    shapesOf(deliveries),
    [
      ['text', 0, 1],
      ['text', 1, 1],
      ['text', 2, 1],
    ],
  );
  assert.equal(tracker.succeeded, 3);
});

test('an input the executor cannot take (submit throws): nothing more starts, what runs is delivered, fatalError() says why', async () => {
  const executor = new ManualExecutor();
  const refusal = new Error('could not be cloned.');
  const submit = executor.submit.bind(executor);
  executor.submit = (batch) => {
    if ((batch.payload as string[]).includes('bad')) throw refusal;
    submit(batch);
  };
  const { pipeline, deliveries, consumed, tracker } = runManually(itemSource(['a', 'bad', 'c']), executor);
  await executor.next;
  executor.finish();
  await consumed;
  assert.equal(pipeline.fatalError(), refusal);
  assert.deepEqual(
    shapesOf(deliveries),
    [
      ['text', 0, 1],
      ['skipped', 1, 1],
      ['skipped', 2, 1],
    ],
  );
  assert.equal(tracker.notRun, 2);
});

/**
 * runManually, resuming a run that finished `finished`: `leadingSkipped` settles when the
 * pipeline says it has left out those at the start, with how many it had left out by then.
 */
function resumeManually(inputs: string[], finished: readonly string[], executor: Executor) {
  let said!: (resumed: number) => void;
  const leadingSkipped = new Promise<number>((resolve) => (said = resolve));
  const run = runManually(itemSource(inputs), executor, { skip: (input) => finished.includes(input), onLeadingSkipped: () => said(run.tracker.resumed) });
  return { ...run, leadingSkipped };
}

test('--resume: what the journal leaves out at the start is skipped before the executor has room, and onLeadingSkipped says when (was: only once a worker was ready, so a pool set up workers for inputs already finished)', async () => {
  const executor = new ManualExecutor();
  let open = false;
  executor.room = () => (open && !executor.held ? 1 : 0);
  const { leadingSkipped } = resumeManually(['a', 'b', 'c', 'd', 'e'], ['a', 'b', 'c', 'e'], executor);
  // no room yet (no worker ready): the three finished inputs before 'd' are left out all the same
  const resumed = await leadingSkipped;
  // takes grow while all is left out: 'e' may come in the take that brought 'd'
  assert.ok(resumed >= 3, `resumed ${resumed}`);
  assert.equal(executor.held, undefined);
  open = true;
  executor.listener.free();
  await executor.next;
  // read anew: TypeScript keeps the assertion's narrowing of `executor.held` (undefined) past the await
  const held = (executor as ManualExecutor).held;
  assert.deepEqual(held?.payload, ['d']);
  executor.finish();
});

test('onLeadingSkipped is called too when every input was finished: the input ends with nothing to run', async () => {
  const executor = new ManualExecutor();
  executor.room = () => 0;
  const { leadingSkipped, consumed, deliveries } = resumeManually(['a', 'b'], ['a', 'b'], executor);
  assert.equal(await leadingSkipped, 2);
  await consumed;
  assert.deepEqual(shapesOf(deliveries), [
    ['skipped', 0, 1],
    ['skipped', 1, 1],
  ]);
});
