import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Delivery } from '../../../src/model/delivery.js';
import { type PipelineOptions, runPipeline } from '../../../src/engine/pipeline.js';
import { KeyLimiter } from '../../../src/crawl/key-limiter.js';
import type { KeyLimits } from '../../../src/engine/scheduler/key-limits.js';
import { itemSource } from '../../../src/io/item-source.js';
import type { Failure } from '../../../src/model/failure.js';
import { ProgressTracker } from '../../../src/progress/tracker.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { FakeExecutor } from '../../helpers/fake-executor.js';

const boom: Failure = { code: 'ERR_TASK_FAILED', name: 'Error', message: 'boom' };
const tooMany: Failure = { code: 'ERR_TASK_FAILED', name: 'Error', message: '429', status: 429 };

function start(inputs: Iterable<string> | AsyncIterable<string>, executor: FakeExecutor, more: Partial<PipelineOptions> = {}) {
  const tracker = new ProgressTracker();
  const pipeline = runPipeline({
    source: itemSource(inputs),
    executor,
    workers: 1,
    ordered: false,
    chunksize: 1,
    retries: 0,
    halt: undefined,
    skip: undefined,
    journal: false,
    tracker,
    ...more,
  });
  const deliveries: Delivery[] = [];
  const done = (async () => {
    for await (const delivery of pipeline.deliveries) deliveries.push(delivery);
  })();
  return { pipeline, deliveries, done, tracker };
}

const outputs = (deliveries: Delivery[]): string[] =>
  deliveries.flatMap((d) => (d.type === 'text' ? d.text.trimEnd().split('\n') : d.type === 'failure' ? [`FAILED ${d.failure.input} ${d.failure.error.code}`] : []));

/** Lets the pipeline's loop run what it can before the test goes on. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs `count` starts, each as soon as the run gives it out, moving the clock to the run's
 * next timer whenever nothing is held: the clock times of the starts.
 */
async function runEachAsItComes(executor: FakeExecutor, clock: FakeClock, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    for (let turns = 0; executor.held.length === 0; turns++) {
      assert.ok(turns < 100 && clock.nextTimer !== undefined, 'nothing held and nothing due');
      clock.advance(clock.nextTimer - clock.now());
      await settle();
    }
    times.push(clock.now());
    executor.runNext();
    await settle();
  }
  return times;
}

test('a retry that is not due yet never blocks the inputs behind it (--retry-delay)', async () => {
  const clock = new FakeClock();
  const executor = new FakeExecutor(1, (input, attempt) => (input === 'a' && attempt === 1 ? { failure: boom } : { output: input }));
  const run = start(['a', 'b', 'c'], executor, { retries: 1, retryDelay: { baseMs: 10_000, capMs: 60_000 }, clock, random: () => 0.5 });
  for (let i = 0; i < 3; i++) {
    await executor.holding(1);
    executor.runNext();
  }
  // a failed and waits 5 s (half of 10 s: the jitter); b and c ran meanwhile
  assert.deepEqual(executor.starts.map((s) => s.input), ['a', 'b', 'c']);
  await settle();
  assert.equal(executor.held.length, 0, 'the retry is not due: nothing runs');
  assert.equal(clock.nextTimer, 5000);
  clock.advance(5000);
  await executor.holding(1);
  executor.runNext();
  await run.done;
  assert.deepEqual(executor.starts.map((s) => `${s.input}${s.attempt}`), ['a1', 'b1', 'c1', 'a2']);
  assert.deepEqual(outputs(run.deliveries), ['b', 'c', 'a']);
  assert.equal(run.tracker.retried, 1);
});

test('a retry waiting on its --retry-delay when the run stops ends with its last failure, not as never run', async () => {
  const clock = new FakeClock();
  const executor = new FakeExecutor(1, (input, attempt) => (input === 'a' ? { failure: { ...boom, message: `boom ${attempt}` } } : { output: input }));
  const run = start(['a', 'b', 'c'], executor, { retries: 3, retryDelay: { baseMs: 10_000, capMs: 60_000 }, clock, random: () => 0.5, journal: true });
  await executor.holding(1);
  executor.runNext(); // a fails, and waits 5 s for its retry
  await executor.holding(1);
  executor.runNext(); // b
  await executor.holding(1);
  run.pipeline.stop('soon'); // c was placed: it runs, then nothing more does
  executor.runNext();
  await run.done;
  assert.deepEqual(executor.starts.map((s) => `${s.input}${s.attempt}`), ['a1', 'b1', 'c1']);
  const failures = run.deliveries.flatMap((d) => (d.type === 'failure' ? [d.failure] : []));
  assert.deepEqual(failures.map((f) => [f.input, f.attempts, f.error.message]), [['a', 1, 'boom 1']]);
  const records = run.deliveries.flatMap((d) => (d.type === 'records' ? d.records : []));
  assert.deepEqual(records.filter((r) => !r.ok).map((r) => [r.input, r.attempts]), [['a', 1]]);
  assert.deepEqual([run.tracker.failed, run.tracker.notRun], [1, 0]);
});

test('an input waiting on its key after a throttle signal when the run stops never ran: it has not failed', async () => {
  const clock = new FakeClock();
  const executor = new FakeExecutor(1, (input) => (input === 'a/1' ? { failure: { ...tooMany, retryAfter: 5000 } } : { output: input }));
  const run = start(['a/1', 'b/1'], executor, { throttling, limits: keyed(new GapLimits(0)), clock, journal: true });
  await executor.holding(1);
  executor.runNext(); // a/1: 429, its key waits 5 s
  await executor.holding(1);
  run.pipeline.stop('soon');
  executor.runNext(); // b/1
  await run.done;
  assert.deepEqual(run.deliveries.filter((d) => d.type === 'failure'), []);
  assert.deepEqual([run.tracker.failed, run.tracker.notRun], [0, 1]);
});

test('retries without --retry-delay start at once, and stop at --retries', async () => {
  const executor = new FakeExecutor(1, (input) => (input === 'a' ? { failure: boom } : { output: input }));
  const run = start(['a', 'b'], executor, { retries: 2 });
  for (let i = 0; i < 4; i++) {
    await executor.holding(1);
    executor.runNext();
  }
  await run.done;
  assert.deepEqual(executor.starts.map((s) => `${s.input}${s.attempt}`).sort(), ['a1', 'a2', 'a3', 'b1']);
  assert.deepEqual(outputs(run.deliveries).sort(), ['FAILED a ERR_TASK_FAILED', 'b']);
});

/** Limits that let each key start once every `gapMs`, and count throttle signals. */
class GapLimits implements KeyLimits {
  readonly last = new Map<string, number>();
  readonly backoff = new Map<string, number>();
  readonly running = new Map<string, number>();
  signals = 0;
  constructor(
    private readonly gapMs: number,
    private readonly concurrency = Number.POSITIVE_INFINITY,
    private readonly giveUpKeys = new Set<string>(),
  ) {}
  wait(key: string, now: number): number {
    if ((this.running.get(key) ?? 0) >= this.concurrency) return Number.POSITIVE_INFINITY;
    const next = Math.max((this.last.get(key) ?? -Infinity) + this.gapMs, this.backoff.get(key) ?? -Infinity);
    return Math.max(0, next - now);
  }
  started(key: string, now: number): number {
    this.last.set(key, now);
    this.running.set(key, (this.running.get(key) ?? 0) + 1);
    return now;
  }
  ended(key: string, _startedAt: number, now: number, throttle?: { retryAfterMs: number | undefined }): void {
    this.running.set(key, this.running.get(key)! - 1);
    if (throttle) {
      this.signals++;
      this.backoff.set(key, now + (throttle.retryAfterMs ?? 1000));
    }
  }
  givenUp(key: string): boolean {
    return this.giveUpKeys.has(key);
  }
}

const byHost = (input: string): string => input.split('/')[0]!;
const keyed = (limits: KeyLimits) => ({ keyOf: byHost, limits });
const throttling = {
  signalOf: (failure: Failure) => (failure.status === 429 ? { retryAfterMs: failure.retryAfter as number | undefined } : undefined),
  maxRetryAfterMs: 300_000,
  maxThrottleMs: 60_000,
};

test('--key: a key that must wait never holds a lane and never blocks another key', async () => {
  const clock = new FakeClock();
  const executor = new FakeExecutor(2);
  const inputs = ['a/1', 'a/2', 'a/3', 'b/1', 'b/2', 'c/1'];
  const run = start(inputs, executor, { throttling, limits: keyed(new GapLimits(1000)), clock });
  const ranAt = new Map<string, number>();
  while (ranAt.size < inputs.length) {
    await settle();
    if (executor.held.length === 0) {
      clock.advance(clock.nextTimer! - clock.now());
      continue;
    }
    while (executor.held.length > 0) ranAt.set(executor.runNext().payload[0] as string, clock.now());
  }
  await run.done;
  // every key's first input at 0, a key's next ones a gap apart; b and c never waited for a
  assert.deepEqual(Object.fromEntries(ranAt), { 'a/1': 0, 'b/1': 0, 'c/1': 0, 'a/2': 1000, 'b/2': 1000, 'a/3': 2000 });
});

test('--key: the input is read ahead while the workers are full, so that keys take turns (was: read only as room came, a list sorted by key ran one key after another)', async () => {
  const executor = new FakeExecutor(1);
  const inputs = ['a/1', 'a/2', 'a/3', 'a/4', 'b/1', 'b/2'];
  let readToEnd = false;
  async function* read() {
    yield* inputs;
    readToEnd = true;
  }
  const run = start(read(), executor, { throttling, limits: keyed(new GapLimits(0)), clock: new FakeClock() });
  await executor.holding(1);
  // the one worker busy with a/1, the input is read to its end (was: not a line more)
  for (let turns = 0; !readToEnd; turns++) {
    assert.ok(turns < 100, 'the input is not read while the worker is busy');
    await settle();
  }
  const order: string[] = [];
  while (order.length < inputs.length) {
    await executor.holding(1);
    order.push(executor.runNext().payload[0] as string);
  }
  await run.done;
  assert.deepEqual(order, ['a/1', 'a/2', 'b/1', 'a/3', 'b/2', 'a/4']);
});

test('--key-rate: an input given to a worker that has reported nothing yet holds its key until it ends; the next starts an interval after that end (was: an interval after its start, and both reached the server together)', async () => {
  const clock = new FakeClock();
  const executor = new FakeExecutor(2);
  const run = start(['a/1', 'a/2', 'a/3', 'b/1'], executor, { throttling, limits: keyed(new KeyLimiter({ keyRate: { count: 8, perMs: 1000 }, ...throttling })), clock });
  await executor.holding(2); // a/1 and b/1, each its key's probe, alone
  executor.runNext();
  executor.runNext();
  // a/2 goes to a cold worker at its due time
  executor.coldSubmits = 1;
  clock.advance(clock.nextTimer! - clock.now());
  await executor.holding(1);
  // its first fetch takes a while: a/3 is not given out meanwhile, however long, up to a second
  clock.advance(400);
  await settle();
  assert.deepEqual(executor.starts.map((s) => s.input), ['a/1', 'b/1', 'a/2']);
  executor.runNext();
  const endedAt = clock.now();
  await settle();
  assert.equal(clock.nextTimer, endedAt + 125);
  clock.advance(125);
  await executor.holding(1);
  executor.runNext();
  await run.done;
  assert.deepEqual(executor.starts.map((s) => s.input), ['a/1', 'b/1', 'a/2', 'a/3']);
});

test('--key-concurrency: a key at its limit waits for one of its inputs to end, others go on', async () => {
  const executor = new FakeExecutor(3);
  const run = start(['a/1', 'a/2', 'b/1'], executor, { throttling, limits: keyed(new GapLimits(0, 1)), clock: new FakeClock() });
  await executor.holding(2);
  await settle();
  assert.deepEqual(executor.held.map((b) => b.payload[0]), ['a/1', 'b/1'], 'a/2 waits although a lane is free');
  executor.runNext();
  await executor.holding(2);
  assert.deepEqual(executor.held.map((b) => b.payload[0]), ['b/1', 'a/2']);
  executor.runNext();
  executor.runNext();
  await run.done;
});

test('a throttle signal (429) backs its key off and tries the input again without using a retry', async () => {
  const clock = new FakeClock();
  const limits = new GapLimits(0);
  let first = true;
  const executor = new FakeExecutor(1, (input) => {
    if (input === 'a/1' && first) {
      first = false;
      return { failure: tooMany };
    }
    return { output: input };
  });
  const run = start(['a/1', 'a/2', 'b/1'], executor, { throttling, limits: keyed(limits), clock, retries: 0 });
  const order: string[] = [];
  while (order.length < 4) {
    await settle();
    if (executor.held.length === 0) {
      clock.advance(clock.nextTimer! - clock.now());
      continue;
    }
    const batch = executor.runNext();
    order.push(`${batch.payload[0]}@${clock.now()}#${batch.attempt}`);
  }
  await run.done;
  assert.deepEqual(order, ['a/1@0#1', 'b/1@0#1', 'a/1@1000#2', 'a/2@1000#1']);
  assert.equal(limits.signals, 1);
  assert.equal(run.tracker.retried, 0);
  assert.equal(run.tracker.failed, 0);
  assert.deepEqual(outputs(run.deliveries).sort(), ['a/1', 'a/2', 'b/1']);
});

test('a key throttled past --max-throttle fails its waiting inputs with ERR_THROTTLED; other keys finish', async () => {
  const executor = new FakeExecutor(1);
  const run = start(['a/1', 'b/1', 'a/2'], executor, { throttling, limits: keyed(new GapLimits(0, Infinity, new Set(['a']))), clock: new FakeClock(), journal: true });
  await executor.holding(1);
  executor.runNext();
  await run.done;
  assert.deepEqual(outputs(run.deliveries).sort(), ['FAILED a/1 ERR_THROTTLED', 'FAILED a/2 ERR_THROTTLED', 'b/1']);
  const records = run.deliveries.flatMap((d) => (d.type === 'records' ? d.records : []));
  assert.deepEqual(records.filter((r) => !r.ok).map((r) => [r.input, r.attempts]), [['a/1', 0], ['a/2', 0]], 'never started: 0 attempts');
});

for (const late of [false, true]) {
  const which = late ? 'an input read after the key gave up too (regression: was neither)' : 'for every input waiting on the key';
  test(`a key given up after a throttle signal: ERR_THROTTLED keeps that signal's status and Retry-After, and the code it threw for the input that threw it only (was: lost, then given to the others too), ${which}`, async () => {
    const clock = new FakeClock();
    const giveUp = new Set<string>();
    const executor = new FakeExecutor(1, (input) => (input === 'a/1' ? { failure: { ...tooMany, retryAfter: 2000, userCode: 'E_BUSY' } } : { output: input }));
    let readOn!: () => void;
    const gate = new Promise<void>((resolve) => (readOn = resolve));
    // a/2 is read with the rest, or only once a/1 has failed for good
    async function* inputs() {
      yield 'a/1';
      if (!late) yield 'a/2';
      yield 'b/1';
      if (late) {
        await gate;
        yield 'a/2';
      }
    }
    const run = start(inputs(), executor, { throttling, limits: keyed(new GapLimits(0, Infinity, giveUp)), clock });
    await executor.holding(1);
    executor.runNext(); // a/1: 429, Retry-After 2 s
    await executor.holding(1);
    executor.runNext(); // b/1
    giveUp.add('a');
    await settle();
    clock.advance(2000);
    await settle();
    readOn();
    await run.done;
    const failures = run.deliveries.flatMap((d) => (d.type === 'failure' ? [d.failure] : []));
    assert.deepEqual(
      failures.map((f) => [f.input, f.error.code, f.error.status, f.error.retryAfter, f.error.userCode]).sort(),
      [
        ['a/1', 'ERR_THROTTLED', 429, 2000, 'E_BUSY'],
        // the server's answer, but not the code a/1 threw: a/2 threw nothing (was: given a/1's)
        ['a/2', 'ERR_THROTTLED', 429, 2000, undefined],
      ],
    );
  });
}

test('resume: inputs the journal finished are left out by text, their indexes kept', async () => {
  const executor = new FakeExecutor(1);
  const asked: [string, number][] = [];
  const run = start(['x', 'y', 'x', 'z'], executor, {
    skip: (input, index) => {
      asked.push([input, index]);
      return input === 'x';
    },
    ordered: true,
  });
  for (let i = 0; i < 2; i++) {
    await executor.holding(1);
    executor.runNext();
  }
  await run.done;
  assert.deepEqual(asked, [['x', 0], ['y', 1], ['x', 2], ['z', 3]]);
  assert.deepEqual(executor.starts.map((s) => s.input), ['y', 'z']);
  assert.equal(run.tracker.resumed, 2);
  assert.deepEqual(run.deliveries.map((d) => [d.type, d.first, d.count]), [['skipped', 0, 1], ['text', 1, 1], ['skipped', 2, 1], ['text', 3, 1]]);
});

test('without keys, a throttle signal holds the whole run back for its Retry-After, then tries the input again without a retry', async () => {
  const clock = new FakeClock();
  let throttledOnce = false;
  const executor = new FakeExecutor(1, (input) => {
    if (input === 'a' && !throttledOnce) {
      throttledOnce = true;
      return { failure: { ...tooMany, retryAfter: 2000 } };
    }
    return { output: input };
  });
  const run = start(['a', 'b'], executor, { throttling, clock, retries: 0 });
  await executor.holding(1);
  executor.runNext(); // a: 429, Retry-After 2 s
  await settle();
  assert.equal(executor.held.length, 0, 'nothing starts while the run waits');
  assert.equal(clock.nextTimer, 2000);
  clock.advance(2000);
  await executor.holding(1);
  executor.runNext(); // the first start once the Retry-After is over
  await settle();
  // the run's rate is halved now (one start in the second before the signal): b waits its turn
  assert.equal(executor.held.length, 0, 'the next waits for the halved rate');
  clock.advance(clock.nextTimer! - clock.now());
  await executor.holding(1);
  executor.runNext();
  await run.done;
  assert.deepEqual(executor.starts.map((s) => `${s.input}${s.attempt}`).sort(), ['a1', 'a2', 'b1']);
  assert.deepEqual(outputs(run.deliveries).sort(), ['a', 'b']);
  assert.equal(run.tracker.retried, 0);
  // counted, as with keys, for the progress line and the summary (was: only under --key)
  assert.deepEqual(run.tracker.snapshot().signals, { total: 1, top: [] });
});

test('without keys, an input throttled past --max-throttle fails with ERR_THROTTLED, keeping the status and the thrown error\'s own code', async () => {
  const clock = new FakeClock();
  const executor = new FakeExecutor(1, () => ({ failure: { ...tooMany, retryAfter: 40_000, userCode: 'E_PLAIN' } }));
  const run = start(['a'], executor, { throttling, clock });
  await executor.holding(1);
  executor.runNext(); // at 0: 429, Retry-After 40 s
  await settle();
  clock.advance(40_000);
  await executor.holding(1);
  executor.runNext(); // at 40 s: 429 again; 40 s more would pass the 60 s it may bear
  await settle();
  assert.equal(clock.nextTimer, 60_001, 'the wait ends when the run gives up');
  clock.advance(20_001);
  await run.done;
  const failure = run.deliveries.find((d) => d.type === 'failure');
  assert.equal(failure?.type === 'failure' && failure.failure.error.code, 'ERR_THROTTLED');
  assert.equal(failure?.type === 'failure' && failure.failure.error.status, 429);
  assert.equal(failure?.type === 'failure' && failure.failure.error.userCode, 'E_PLAIN');
  assert.equal(failure?.type === 'failure' && failure.failure.attempts, 2);
});

test('without keys, a Retry-After longer than --max-throttle: the waiting inputs fail when the run gives up, not started again (were: after the wait, one more try each)', async () => {
  const clock = new FakeClock();
  const executor = new FakeExecutor(3, () => ({ failure: { ...tooMany, retryAfter: 200_000 } }));
  const run = start(['a', 'b', 'c'], executor, { throttling, clock });
  await executor.holding(3);
  for (let i = 0; i < 3; i++) executor.runNext(); // a burst of 429s, each asking 200 s
  await settle();
  assert.equal(clock.nextTimer, 60_001);
  clock.advance(60_001);
  await run.done;
  assert.equal(executor.starts.length, 3, 'none started again');
  assert.deepEqual(outputs(run.deliveries).sort(), ['FAILED a ERR_THROTTLED', 'FAILED b ERR_THROTTLED', 'FAILED c ERR_THROTTLED']);
  const failures = run.deliveries.flatMap((d) => (d.type === 'failure' ? [d.failure] : []));
  assert.deepEqual(failures.map((f) => [f.attempts, f.error.status, f.error.retryAfter]), [[1, 429, 200_000], [1, 429, 200_000], [1, 429, 200_000]]);
});

test('without keys, a burst of 429s from inputs in flight counts as one signal, even with Retry-After 0 (was: each counted)', async () => {
  const clock = new FakeClock();
  const executor = new FakeExecutor(3, (input, attempt) => (attempt === 1 ? { failure: { ...tooMany, retryAfter: 0 } } : { output: input }));
  const run = start(['a', 'b', 'c'], executor, { throttling, clock });
  await executor.holding(3);
  for (let i = 0; i < 3; i++) executor.runNext();
  await settle();
  // a Retry-After of 0 is no wait: the run backs off as without one, at most the base, 1 s,
  // then starts them one at a time at its halved rate
  await runEachAsItComes(executor, clock, 3);
  await run.done;
  assert.deepEqual(outputs(run.deliveries).sort(), ['a', 'b', 'c']);
  assert.deepEqual(run.tracker.snapshot().signals, { total: 1, top: [] });
});

test('without keys, an input in flight at a signal that ends well does not end the throttle: the throttled one fails at --max-throttle, started once (was: tried again)', async () => {
  const clock = new FakeClock();
  const executor = new FakeExecutor(2, (input) => (input === 'bad' ? { failure: { ...tooMany, retryAfter: 200_000 } } : { output: input }));
  const run = start(['bad', 'ok'], executor, { throttling, clock });
  await executor.holding(2);
  executor.runNext(); // bad: 429 at 0
  executor.runNext(); // ok, in flight since before the signal
  await settle();
  assert.equal(clock.nextTimer, 60_001);
  clock.advance(60_001);
  await run.done;
  assert.deepEqual(outputs(run.deliveries).sort(), ['FAILED bad ERR_THROTTLED', 'ok']);
  assert.deepEqual(executor.starts.map((s) => `${s.input}${s.attempt}`).sort(), ['bad1', 'ok1']);
});
