import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Executor } from '../../src/model/executor.js';
import { parseHalt } from '../../src/engine/halt.js';
import { Stopping } from '../../src/engine/stopping.js';
import type { InputSource } from '../../src/io/input-source.js';
import { ProgressTracker } from '../../src/progress/tracker.js';

function parts(remaining: number | undefined, halt = 'never') {
  const calls: string[] = [];
  const source: InputSource = {
    take: () => Promise.resolve(null),
    remaining: () => remaining,
    close: () => calls.push('close source'),
  };
  const executor = { stop: (abort?: boolean) => calls.push(abort ? 'stop executor, aborting running tasks' : 'stop executor'), kill: () => calls.push('kill executor') } as unknown as Executor;
  const tracker = new ProgressTracker();
  const stopping = new Stopping(source, executor, parseHalt(halt, '--halt'), tracker, () => calls.push('changed'));
  return { stopping, calls, tracker };
}

test('stop soon closes the source and stops the executor, once; now after soon kills it', () => {
  const { stopping, calls } = parts(7);
  stopping.stop('soon');
  stopping.stop('soon');
  assert.deepEqual(calls, ['close source', 'stop executor', 'changed']);
  assert.equal(stopping.unread, 7);
  stopping.stop('now');
  assert.equal(stopping.mode, 'now');
  assert.deepEqual(calls.slice(3), ['close source', 'kill executor', 'changed']);
  stopping.stop('soon'); // now is as far as a stop goes
  assert.equal(stopping.mode, 'now');
  assert.equal(calls.length, 6);
});

test('Ctrl-C asks running tasks to stop, a halt does not; a Ctrl-C after a halt does so then, once', () => {
  const { stopping, calls } = parts(0);
  stopping.stop('soon');
  stopping.stop('soon', true);
  stopping.stop('soon', true);
  assert.deepEqual(calls, ['close source', 'stop executor', 'changed', 'stop executor, aborting running tasks']);
  const interrupted = parts(0);
  interrupted.stopping.stop('soon', true);
  assert.deepEqual(interrupted.calls, ['close source', 'stop executor, aborting running tasks', 'changed']);
});

test('the unread count is taken at the first stop; unknown counts as 0', () => {
  const { stopping } = parts(undefined);
  stopping.stop('now');
  assert.equal(stopping.unread, 0);
});

test('fatal keeps the first error and stops now; abandon stops now and says so', () => {
  const { stopping } = parts(0);
  const first = new Error('first');
  stopping.fatal(first);
  stopping.fatal(new Error('second'));
  assert.equal(stopping.fatalError, first);
  assert.equal(stopping.mode, 'now');
  const other = parts(0).stopping;
  other.abandon();
  assert.deepEqual([other.abandoned, other.mode], [true, 'now']);
});

test('fatal soon keeps the error, closes the source and asks the running tasks to stop; a later fatal now kills', () => {
  const { stopping, calls } = parts(0);
  const error = new Error('a worker refused the run');
  stopping.fatal(error, 'soon');
  assert.deepEqual([stopping.fatalError, stopping.mode], [error, 'soon']);
  assert.deepEqual(calls, ['close source', 'stop executor, aborting running tasks', 'changed']);
  stopping.fatal(new Error('lost the queue'));
  assert.deepEqual([stopping.fatalError, stopping.mode], [error, 'now']);
  assert.deepEqual(calls.slice(3), ['close source', 'kill executor', 'changed']);
});

test('--halt soon,fail=2: the second failure halts, with the status of the input that settled last', () => {
  const { stopping, tracker } = parts(0, 'soon,fail=2');
  tracker.failed = 1;
  stopping.settled(3);
  assert.equal(stopping.mode, undefined);
  tracker.failed = 2;
  stopping.settled(4, 'ERR_EXIT_STATUS');
  assert.equal(stopping.mode, 'soon');
  assert.equal(tracker.halted, true);
  assert.deepEqual(tracker.haltedBy, { failed: 2, status: 4, code: 'ERR_EXIT_STATUS' });
});

test('without --halt, or once stopping, settling never halts', () => {
  const { stopping, tracker } = parts(0);
  tracker.failed = 5;
  stopping.settled(1);
  assert.equal(stopping.mode, undefined);
  const halting = parts(0, 'now,fail=1');
  halting.tracker.failed = 1;
  halting.stopping.stop('soon');
  halting.stopping.settled(1);
  assert.deepEqual([halting.stopping.mode, halting.tracker.halted], ['soon', false]);
});
