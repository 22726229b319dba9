import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Delivery } from '../../../src/model/delivery.js';
import { runPipeline } from '../../../src/engine/pipeline.js';
import { LOAD_SETTLE_MS, type MachineProbes, RECHECK_MS, ResourceGate } from '../../../src/engine/scheduler/resource-gate.js';
import { itemSource } from '../../../src/io/item-source.js';
import { ProgressTracker } from '../../../src/progress/tracker.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { FakeExecutor } from '../../helpers/fake-executor.js';

const GB = 2 ** 30;

/** A machine whose memory and load the test sets, counting how often it is read. */
class FakeMachine implements MachineProbes {
  memory = 8 * GB;
  load: number | undefined = 0;
  reads = 0;
  availableMemoryBytes(): number {
    this.reads++;
    return this.memory;
  }
  runningProcesses(): number | undefined {
    this.reads++;
    return this.load;
  }
}

/** A pipeline of two workers over `inputs`, whose starts pass `gate`. */
function gatedRun(inputs: string[], executor: FakeExecutor, gate: ResourceGate, clock: FakeClock, tracker: ProgressTracker): ReturnType<typeof runPipeline> {
  return runPipeline({ source: itemSource(inputs), executor, workers: 2, ordered: true, chunksize: undefined, retries: 0, halt: undefined, skip: undefined, journal: false, tracker, clock, gate });
}

test('--memfree: open while enough memory is available, closed below it for RECHECK_MS, the machine not read again meanwhile', () => {
  const machine = new FakeMachine();
  const gate = new ResourceGate({ memFreeBytes: 2 * GB, maxLoad: undefined }, machine);
  assert.ok(gate.pausedUntil(0) < 0);
  machine.memory = 1 * GB;
  assert.equal(gate.pausedUntil(10), 10 + RECHECK_MS);
  assert.equal(gate.shortage, 'memory');
  const reads = machine.reads;
  machine.memory = 8 * GB;
  assert.equal(gate.pausedUntil(500), 10 + RECHECK_MS, 'closed until the recheck');
  assert.equal(machine.reads, reads);
  assert.ok(gate.pausedUntil(10 + RECHECK_MS) < 0, 'open again once the memory is back');
  assert.equal(gate.shortage, undefined);
});

test('--load: closed from the limit up, as GNU parallel compares; a load that cannot be read counts as too high', () => {
  const machine = new FakeMachine();
  const gate = new ResourceGate({ memFreeBytes: undefined, maxLoad: 2 }, machine);
  machine.load = 1;
  assert.ok(gate.pausedUntil(0) < 0);
  machine.load = 2;
  assert.equal(gate.pausedUntil(1), 1 + RECHECK_MS);
  assert.equal(gate.shortage, 'load');
  machine.load = undefined;
  assert.equal(gate.pausedUntil(1 + RECHECK_MS), 1 + 2 * RECHECK_MS);
});

test('--load: after a start the machine is read again only once the job can show in the load (was: -j4 --load 1 started four at once)', () => {
  const machine = new FakeMachine();
  const gate = new ResourceGate({ memFreeBytes: undefined, maxLoad: 1 }, machine);
  assert.ok(gate.pausedUntil(0) < 0);
  gate.started(0);
  const reads = machine.reads;
  assert.equal(gate.pausedUntil(1), LOAD_SETTLE_MS, 'no second start on the load read before the first job ran');
  assert.equal(machine.reads, reads);
  machine.load = 1;
  assert.equal(gate.pausedUntil(LOAD_SETTLE_MS), LOAD_SETTLE_MS + RECHECK_MS, 'the job shows: closed');
  // --memfree alone has nothing to wait for after a start: memory is read at each one
  const memoryOnly = new ResourceGate({ memFreeBytes: 1, maxLoad: undefined }, machine);
  memoryOnly.started(0);
  assert.ok(memoryOnly.pausedUntil(1) < 0);
});

test('a change of the work (an input ended) has the machine read again at the next start, without waiting out RECHECK_MS; the wait after a start stands', () => {
  const machine = new FakeMachine();
  const gate = new ResourceGate({ memFreeBytes: undefined, maxLoad: 1 }, machine);
  machine.load = 1;
  assert.equal(gate.pausedUntil(0), RECHECK_MS);
  machine.load = 0;
  gate.recheck();
  assert.ok(gate.pausedUntil(10) < 0, 'the busy job ended: one may start at once');
  gate.started(10);
  gate.recheck();
  assert.equal(gate.pausedUntil(20), 10 + LOAD_SETTLE_MS, 'not before the job just started can show in the load');
});

test('a run under --memfree starts nothing while memory is short, gives out one input at a time, and goes on when memory is back', async () => {
  const clock = new FakeClock();
  const machine = new FakeMachine();
  machine.memory = 1 * GB;
  const executor = new FakeExecutor(2, (input) => ({ output: input }));
  const gate = new ResourceGate({ memFreeBytes: 2 * GB, maxLoad: undefined }, machine);
  const tracker = new ProgressTracker();
  const pipeline = gatedRun(['a', 'b', 'c'], executor, gate, clock, tracker);
  const deliveries: Delivery[] = [];
  const done = (async () => {
    for await (const delivery of pipeline.deliveries) deliveries.push(delivery);
  })();
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.equal(executor.starts.length, 0, 'nothing starts while memory is short');
  assert.equal(tracker.snapshot().machineShort, 'memory', 'the progress line can say why');
  assert.equal(clock.nextTimer, RECHECK_MS, 'the gate is asked again after RECHECK_MS');
  machine.memory = 8 * GB;
  clock.advance(RECHECK_MS);
  await executor.holding(2);
  assert.deepEqual(executor.held.map((batch) => batch.count), [1, 1], 'one input a start: each passes the gate');
  assert.equal(tracker.snapshot().machineShort, undefined);
  executor.runNext();
  executor.runNext();
  await executor.holding(1);
  executor.runNext();
  await done;
  assert.deepEqual(executor.starts.map((start) => start.input), ['a', 'b', 'c']);
  assert.deepEqual(deliveries.flatMap((d) => (d.type === 'text' ? [d.text] : [])).join(''), 'a\nb\nc\n');
});

test('a pause that ends while the run goes to sleep still wakes it (was: no timer, inputs ready, none running: hung for ever)', async () => {
  // Time passes between two looks at the clock; the run woke just before the wait after a start
  // ended (an input ended then; Node fires timers up to a millisecond early). Every offset of
  // that wake-up, a tick apart, is tried: one of them falls between the run's last two looks.
  const tick = 0.001;
  for (let ticksBefore = 1; ticksBefore <= 30; ticksBefore++) {
    const clock = new FakeClock(tick);
    const executor = new FakeExecutor(2, (input) => ({ output: input }));
    const gate = new ResourceGate({ memFreeBytes: undefined, maxLoad: 1000 }, new FakeMachine());
    const pipeline = gatedRun(['a', 'b'], executor, gate, clock, new ProgressTracker());
    const done = (async () => {
      for await (const _ of pipeline.deliveries);
    })();
    await executor.holding(1);
    const settled = clock.nextTimer!;
    clock.advance(settled - clock.now() - ticksBefore * tick);
    executor.runNext();
    for (let turn = 0; turn < 5; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
    clock.advance(LOAD_SETTLE_MS);
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(executor.starts.length, 2, `woken ${ticksBefore} ticks before the wait ended: b never started`);
    executor.runNext();
    await done;
  }
});
