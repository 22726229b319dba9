// ShellExecutor on its own, driven as the pipeline drives it: room, submit, and a listener
// that puts lost batches back, so that what the executor decides is all there is to see.
import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ShellExecutor } from '../../src/commands/shell-executor.js';
import { type Batch, SHARED } from '../../src/model/batch.js';
import type { OutputFile } from '../../src/model/delivery.js';
import type { ExecutorListener } from '../../src/model/executor.js';
import { PrunError } from '../../src/errors.js';
import { NEWLINE } from '../../src/model/payload.js';
import { scratchDir } from '../helpers/files.js';

const dir = scratchDir('shell-executor');

function batchOf(inputs: string[]): Batch {
  return { id: 0, first: 0, count: inputs.length, payload: inputs, separator: NEWLINE, attempt: 1, retried: 0, isolated: false, fresh: false, origin: undefined };
}

/**
 * Runs `inputs` as one batch on an executor whose lanes are started by `shell`, putting a
 * lost batch back as the pipeline does; settles with the fatal error, or undefined once the
 * batch has run.
 */
async function run(shell: string, command: string, inputs: string[]): Promise<PrunError | undefined> {
  const executor = new ShellExecutor({ command, jobs: 1, timeoutMs: undefined, tag: undefined, timings: false, retries: 0, onStderr: () => {}, shell });
  let waiting: Batch | undefined = batchOf(inputs);
  const outcome = await new Promise<PrunError | undefined>((resolve) => {
    const place = () => {
      if (waiting && executor.room(SHARED, false) > 0) {
        executor.submit(waiting, false);
        waiting = undefined;
      }
    };
    const listener: ExecutorListener = {
      run: (_batch, _from, _run, last) => {
        if (last) resolve(undefined);
      },
      lost: (batch, from) => {
        waiting = { ...batch, first: batch.first + from, count: batch.count - from, payload: (batch.payload as string[]).slice(from) };
        place();
      },
      free: place,
      fatal: (error) => resolve(error as PrunError),
    };
    executor.start(listener);
    place();
  });
  await executor.kill();
  return outcome;
}

describe('ShellExecutor: lanes that die at start', () => {
  test('regression: endless respawn: lanes that keep dying before they are ready end the run with ERR_WORKER_START', async () => {
    const error = await run('/bin/false', 'echo {}', ['a']);
    assert.ok(error, 'the run did not end');
    assert.equal(error.code, 'ERR_WORKER_START');
    assert.match(error.message, /^workers keep dying at start: /);
  });

  test('a shell that cannot be started at all ends the run the same way, naming why', async () => {
    const error = await run(join(dir, 'no-such-shell'), 'echo {}', ['a']);
    assert.ok(error, 'the run did not end');
    assert.equal(error.code, 'ERR_WORKER_START');
    assert.match(error.message, /^workers keep dying at start: .*ENOENT/);
  });

  test('regression: endless respawn: once one lane was ready, replacements dying at start are not started forever', async () => {
    // the first lane is a real shell; every later one dies before it is ready
    const started = join(dir, 'started');
    const shell = join(dir, 'sh-once');
    await writeFile(shell, `#!/bin/sh\nif [ -e ${started} ]; then exit 7; fi\n: > ${started}\nexec /bin/sh "$@"\n`);
    await chmod(shell, 0o755);
    // the job kills its lane: the lane must be replaced, and no replacement ever starts
    const error = await run(shell, 'kill -KILL $PPID; : {}', ['a', 'b']);
    assert.ok(error, 'the run did not end');
    assert.equal(error.code, 'ERR_WORKER_START');
    assert.match(error.message, /shell lane exited with code 7/);
  });
});

describe('ShellExecutor: big output held', () => {
  test('regression: a stalled reader held 640 MB for 27 jobs of 20 MB: no job starts once 64 MiB of output waits', async () => {
    const executor = new ShellExecutor({
      command: 'head -c 20000000 /dev/zero; : {}',
      jobs: 1,
      timeoutMs: undefined,
      tag: undefined,
      timings: false,
      retries: 0,
      onStderr: () => {},
    });
    const inputs = ['1', '2', '3', '4', '5', '6', '7', '8'];
    const files: OutputFile[] = [];
    // nobody writes the outputs out, until told to
    let heldBack!: () => void;
    const fifthHeld = new Promise<void>((resolve) => (heldBack = resolve));
    let ended!: () => void;
    const allRan = new Promise<void>((resolve) => (ended = resolve));
    const listener: ExecutorListener = {
      run: (_batch, _from, run, last) => {
        if (run.file) files.push(run.file);
        if (files.length === 5 && run.file) setImmediate(heldBack); // once the executor has done with the report
        if (last) ended();
      },
      lost: () => assert.fail('a lane was lost'),
      free: () => {},
      fatal: (error) => assert.fail(error),
    };
    executor.start(listener);
    assert.ok(executor.room(SHARED, false) > 0);
    executor.submit(batchOf(inputs), false);
    await fifthHeld;
    // four outputs of 20 MB pass 64 MiB; the fifth job had been given to the lane before that
    const slots = (executor as unknown as { slots: { jobs: unknown[] }[] }).slots;
    assert.deepEqual(slots.map((slot) => slot.jobs.length), [0], 'a job was given to a lane with 100 MB of output waiting');
    for (const file of files.splice(0)) file.close(); // the reader takes them: the rest runs
    await allRan;
    for (const file of files) file.close();
    await executor.close();
  });

  test('output held never stalls the run: an earlier input a lane holds still runs, alone', { timeout: 300_000 }, async () => {
    // lane 1 holds inputs 0-2, input 0 running until lane 2 (inputs 3-8) has filled the bound;
    // in input order, what lane 2 made waits for input 2, which must run though the bound is full
    const marker = join(dir, 'bound-full');
    const command = `case {} in 0) while [ ! -e ${marker} ]; do sleep 0.01; done;; 7) : > ${marker};; esac; head -c 20000000 /dev/zero`;
    const executor = new ShellExecutor({ command, jobs: 2, timeoutMs: undefined, tag: undefined, timings: false, retries: 0, onStderr: () => {} });
    const files: OutputFile[] = [];
    const reported = new Map<number, number>();
    let ending = false;
    let firstDone!: () => void;
    const firstBatchDone = new Promise<void>((resolve) => (firstDone = resolve));
    const listener: ExecutorListener = {
      run: (batch, from, run) => {
        if (run.file) files.push(run.file);
        reported.set(batch.first, from + run.count);
        if (batch.first === 0 && from + run.count === 3) firstDone();
      },
      lost: () => assert.ok(ending, 'a lane was lost'),
      free: () => {},
      fatal: (error) => assert.fail(error),
    };
    executor.start(listener);
    executor.submit({ ...batchOf(['0', '1', '2']), id: 1 }, false);
    executor.submit({ ...batchOf(['3', '4', '5', '6', '7', '8']), id: 2, first: 3 }, false);
    await firstBatchDone; // nothing is ever written out here: only the exception lets input 2 run
    assert.ok((reported.get(3) ?? 0) < 6, 'lane 2 ran all of its inputs past the bound');
    for (const file of files) file.close();
    ending = true;
    await executor.kill();
  });
});
