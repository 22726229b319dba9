// The pipeline with an executor that settles every batch at once, with output that is only a
// size: what is tested is how much output the pipeline lets pile up, and that it lets go of it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Batch } from '../../src/model/batch.js';
import type { Delivery, OutputFile } from '../../src/model/delivery.js';
import type { Executor, ExecutorListener } from '../../src/model/executor.js';
import { runPipeline } from '../../src/engine/pipeline.js';
import type { InputSource } from '../../src/io/input-source.js';
import { ProgressTracker } from '../../src/progress/tracker.js';
import { NEWLINE } from '../../src/model/payload.js';

const MiB = 1024 * 1024;
/** One string to cut values from: a slice of it is a view, no copy. */
const BIG = 'x'.repeat(32 * MiB);

/** `count` inputs, one at a time, each as soon as asked for; each `inputBytes` long if given. */
function countingSource(count: number, inputBytes?: number): InputSource {
  let taken = 0;
  const input = () => (inputBytes === undefined ? String(taken++) : (taken++, BIG.slice(0, inputBytes)));
  return {
    take: async () => (taken < count ? { payload: [input()], separator: NEWLINE, count: 1, origin: undefined } : null),
    remaining: () => undefined,
    close: () => {},
  };
}

/** Runs each batch at once, each input's output a file of `bytes` bytes (nothing real behind it). */
class InstantExecutor implements Executor {
  /** By default a window of many inputs: only the byte bound can stop them. */
  readonly capacity: number;
  readonly ready = Promise.resolve();
  submitted = 0;
  readonly files: { closed: boolean }[] = [];
  private listener!: ExecutorListener;

  /** `asValues`: the output is a string of that many characters as a value (the library's), not a file. */
  constructor(
    private readonly bytes: (index: number) => number,
    private readonly asValues = false,
    capacity = 100,
  ) {
    this.capacity = capacity;
  }

  start(listener: ExecutorListener): void {
    this.listener = listener;
  }
  room(): number {
    return 1;
  }
  submit(batch: Batch): void {
    this.submitted += batch.count;
    if (this.asValues) {
      const values = [BIG.slice(0, this.bytes(batch.first))];
      queueMicrotask(() => this.listener.run(batch, 0, { count: 1, text: '', values, failures: [], durationsMs: undefined }, true, 1));
      return;
    }
    const state = { closed: false };
    this.files.push(state);
    const file: OutputFile = { fd: -1, bytes: this.bytes(batch.first), tag: undefined, close: () => void (state.closed = true) };
    queueMicrotask(() => this.listener.run(batch, 0, { count: 1, text: '', values: undefined, failures: [], durationsMs: undefined, file }, true, 1));
  }
  stop(): void {}
  async close(): Promise<void> {}
  async kill(): Promise<void> {}
}

function start(executor: InstantExecutor, inputs: number, inputBytes?: number) {
  return runPipeline({
    source: countingSource(inputs, inputBytes),
    executor,
    workers: 1,
    ordered: true,
    chunksize: 1,
    retries: 0,
    halt: undefined,
    skip: undefined,
    journal: false,
    tracker: new ProgressTracker(),
  });
}

/** Lets every step the pipeline can take now be taken: all of them are microtasks here. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('pipeline: output held for a slow reader is bounded in bytes', () => {
  test('regression: a stalled reader held 640 MB for 27 jobs of 20 MB: no input starts past 64 MiB held', async () => {
    const executor = new InstantExecutor(() => 20 * MiB);
    const run = start(executor, 100);
    await settled(); // nobody reads: the reader is stalled
    // 4 outputs of 20 MiB reach 64 MiB; one more may have started while the fourth ran (a
    // take already under way); the count window alone would have let all 100 run
    assert.ok(executor.submitted >= 4 && executor.submitted <= 5, `${executor.submitted} inputs started`);
    const deliveries: Delivery[] = [];
    for await (const delivery of run.deliveries) deliveries.push(delivery);
    assert.equal(deliveries.length, 100);
    assert.equal(executor.submitted, 100);
  });

  test("regression: values (the library's results) count by their size too: a thread run held gigabytes of 100 KB strings behind a slow consumer", async () => {
    const executor = new InstantExecutor(() => 20 * MiB, true);
    const run = start(executor, 100);
    await settled();
    assert.ok(executor.submitted >= 4 && executor.submitted <= 5, `${executor.submitted} inputs started`);
    let count = 0;
    for await (const delivery of run.deliveries) count += delivery.count;
    assert.equal(count, 100);
  });

  test("regression: inputs count by their size too: a library caller's loop that stalls had thousands of 1 MB inputs read ahead", async () => {
    // a pool of 2 slots (its window of inputs by count is 64 at least)
    const executor = new InstantExecutor(() => 1, true, 2);
    const run = start(executor, 100, 20 * MiB);
    await settled();
    // 3 inputs of 20 MiB reach 64 MiB; the count window alone would have let all 100 run
    assert.ok(executor.submitted >= 3 && executor.submitted <= 5, `${executor.submitted} inputs started`);
    let count = 0;
    for await (const delivery of run.deliveries) count += delivery.count;
    assert.equal(count, 100);
  });

  test('one input with more output than the bound still runs, and the next waits for it to be taken', async () => {
    const executor = new InstantExecutor(() => 200 * MiB);
    const run = start(executor, 3);
    await settled();
    assert.equal(executor.submitted, 2); // the one, and one started while it ran
    let count = 0;
    for await (const delivery of run.deliveries) count += delivery.count;
    assert.equal(count, 3);
  });

  test('output files never written are closed when the reader goes away', async () => {
    const executor = new InstantExecutor(() => MiB);
    const run = start(executor, 10);
    await settled();
    for await (const delivery of run.deliveries) {
      assert.equal(delivery.type, 'file');
      if (delivery.type === 'file') delivery.file.close(); // as the writer does with what it writes
      break;
    }
    await settled();
    assert.ok(executor.files.length > 1);
    assert.deepEqual(executor.files.filter((file) => !file.closed), []);
  });
});
