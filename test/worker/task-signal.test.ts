import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runWithTimeout, TaskRun } from '../../src/worker/run-task.js';
import { lines, prun, runtimes } from '../helpers/prun.js';

const inputs = `${Array.from({ length: 8000 }, (_, i) => i).join('\n')}\n`;

describe('no MaxListenersExceededWarning (was: every task of a worker listened on one shared signal)', () => {
  for (const runtime of runtimes) {
    for (const timeout of [[], ['--timeout', '10s']]) {
      test(`${runtime} 2 --concurrency 25 ${timeout.join(' ')}: 8000 tasks that listen to ctx.signal leave stderr empty`, async () => {
        const result = await prun(['map', 'fixtures/signal-sleep.ts', runtime, '2', '--concurrency', '25', ...timeout], { stdin: 'pipe', input: inputs });
        assert.equal(result.exitCode, 0);
        assert.equal(lines(result.stdout).length, 8000);
        assert.equal(result.stderr, '');
      });
    }
  }
});

describe('a task signal of its own, made when read', () => {
  test('each task has its own signal; aborting one leaves the others', () => {
    const running = new Set<TaskRun>();
    const first = new TaskRun(0, 1, running);
    const second = new TaskRun(1, 1, running);
    assert.notEqual(first.signal, second.signal);
    first.abort(new Error('deadline'));
    assert.equal(first.signal.aborted, true);
    assert.equal(second.signal.aborted, false);
  });

  test('a task that never reads its signal is never held by the worker', () => {
    const running = new Set<TaskRun>();
    const task = new TaskRun(0, 1, running);
    task.done();
    assert.equal(running.size, 0);
    const reading = new TaskRun(1, 1, running);
    void reading.signal;
    assert.equal(running.size, 1);
    reading.done();
    assert.equal(running.size, 0);
  });

  test('a signal read after its task was aborted is aborted already, with the reason', () => {
    const task = new TaskRun(0, 1, new Set());
    const reason = new Error('the worker is ending');
    task.abort(reason);
    assert.equal(task.signal.aborted, true);
    assert.equal(task.signal.reason, reason);
  });
});

describe('--timeout in the worker', () => {
  const busyFor = (ms: number) => ({
    task: (): string => {
      for (const start = performance.now(); performance.now() - start < ms; );
      return 'done';
    },
    teardown: undefined,
  });

  test('a task that holds its thread past the deadline and then returns fails with ERR_TIMEOUT (was: its timer could not fire, and it succeeded)', async () => {
    const settled = await runWithTimeout(busyFor(60), 'x', new TaskRun(0, 1, new Set()), 20, 1000);
    assert.equal(settled.ok, false);
    assert.equal(!settled.ok && settled.failure.code, 'ERR_TIMEOUT');
    assert.equal(!settled.ok && settled.stuck, false);
  });

  test('a task that ends before the deadline succeeds', async () => {
    const settled = await runWithTimeout(busyFor(1), 'x', new TaskRun(0, 1, new Set()), 5000, 1000);
    assert.deepEqual(settled, { ok: true, value: 'done' });
  });
});
