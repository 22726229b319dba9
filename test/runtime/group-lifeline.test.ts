// Nothing outlives prun, however it dies: a forked worker leads its own process group, which
// prun ends with it (SIGTERM, then SIGKILL); a lifeline ends the groups when prun is killed.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { assertGoneWithin, assertNoWorkerLeft } from '../helpers/accounting.js';
import { bin, lines, root, runtimes } from '../helpers/prun.js';
import { waitForLines } from '../helpers/streams.js';
import { scratchDir } from '../helpers/files.js';

/** Long enough for a loaded machine; the lifeline itself takes about a second at most. */
const GONE_WITHIN_MS = 10_000;

const dir = scratchDir('lifeline');

let runs = 0;
function startPrun(args: string[], env: Record<string, string> = {}) {
  const pids = join(dir, `pids-${++runs}`);
  const child = execa(bin, ['map', 'fixtures/setup-child.ts', ...args], {
    cwd: root,
    reject: false,
    env: { PRUN_TEST_PIDS: pids, ...env },
    timeout: 60_000, // a process holding prun's pipes fails the test instead of hanging it
  });
  return { child, pids };
}

async function recordedPids(file: string): Promise<number[]> {
  return lines((await readFile(file, 'utf8')).trim()).map(Number);
}

describe('kill -9 of prun leaves a map worker busy in a loop running at 100% CPU forever', () => {
  test('--procs: the busy worker and what its setup() started are gone soon after prun is SIGKILLed', async () => {
    const { child, pids } = startPrun(['--procs', '1', ':::', 'hang']);
    await waitForLines(child.stderr!, /^busy$/);
    child.kill('SIGKILL');
    const result = await child;
    assert.equal(result.signal, 'SIGKILL');
    const recorded = await recordedPids(pids);
    assert.equal(recorded.length, 2);
    await assertGoneWithin(recorded, GONE_WITHIN_MS);
  });

  test('--procs: a worker deaf to SIGTERM is sent SIGKILL', async () => {
    const { child, pids } = startPrun(['--procs', '1', ':::', 'deaf']);
    await waitForLines(child.stderr!, /^busy$/);
    child.kill('SIGKILL');
    await child;
    await assertGoneWithin(await recordedPids(pids), GONE_WITHIN_MS);
  });

  test('--procs: idle workers and what their setup() started are gone soon after prun is SIGKILLed', async () => {
    const flag = join(dir, `never-${runs}`);
    // from a pipe left open, whose count is never known: both workers start for its one input
    const { child, pids } = startPrun(['--procs', '2', '--chunksize', '1']);
    child.stdin!.write(`wait ${flag}\n`);
    // both workers have run setup(), and one is running the input
    await waitForLines(child.stderr!, /^(started|waiting) /, 3);
    child.kill('SIGKILL');
    await child;
    const recorded = await recordedPids(pids);
    assert.equal(recorded.length, 4);
    await assertGoneWithin(recorded, GONE_WITHIN_MS);
  });
});

describe('kill -9 of prun under --threads left what setup() started running under init', () => {
  test('--threads: a sleep 300 started by setup() is gone soon after prun is SIGKILLed (was: for ever; the lifeline watched forked workers only)', async () => {
    const flag = join(dir, `threads-never-${runs}`);
    const { child, pids } = startPrun(['--threads', '1', ':::', `wait ${flag}`]);
    await waitForLines(child.stderr!, /^waiting /);
    child.kill('SIGKILL');
    await child;
    // a thread's pid is prun's: only the sleep is left to check
    const [, sleep] = await recordedPids(pids);
    await assertGoneWithin([sleep!], GONE_WITHIN_MS);
  });
});

describe('orphans in map mode: a sleep 300 started by setup() outlives a worker ended for --timeout, and prun', () => {
  for (const runtime of runtimes) {
    test(`${runtime}: gone once prun has exited`, async () => {
      const flag = join(dir, `flag-${runs}`);
      const { child, pids } = startPrun([runtime, '1', '--chunksize', '1', '--timeout', '300ms', '--json', ':::', 'hang', `wait ${flag}`]);
      // the replacement of the worker that timed out has started
      await waitForLines(child.stderr!, /^started /, 2);
      if (runtime === '--procs') {
        // the first worker's group has ended with it: its sleep is gone while prun still runs
        const [firstWorker, firstSleep] = await recordedPids(pids);
        await assertGoneWithin([firstWorker!, firstSleep!], GONE_WITHIN_MS);
      }
      await writeFile(flag, '');
      const result = await child;
      assert.equal(result.exitCode, 1, String(result.stderr));
      const [hang, wait] = lines(result.stdout).map((line) => JSON.parse(line) as { error?: string; result?: string });
      assert.equal(hang?.error, 'timed out after 300ms');
      assert.equal(wait?.result, `wait ${flag}`);
      // at once: prun ends what it started before it exits
      await assertNoWorkerLeft(pids);
    });

    test(`${runtime}: gone once prun has exited on SIGTERM`, async () => {
      const { child, pids } = startPrun([runtime, '2', '--chunksize', '1', ':::', `wait ${join(dir, 'never')}`]);
      await waitForLines(child.stderr!, /^waiting /);
      child.kill('SIGTERM');
      await waitForLines(child.stderr!, /starting no more inputs/);
      child.kill('SIGTERM');
      const result = await child;
      assert.equal(result.exitCode, 143);
      assert.equal(lines(await readFile(pids, 'utf8')).length >= 2, true);
      await assertNoWorkerLeft(pids);
    });
  }
});

describe('a child that left its worker\'s group (started detached, as Puppeteer starts Chrome) outlived a --procs worker', () => {
  const detached = { PRUN_TEST_DETACHED: '1' };
  for (const runtime of runtimes) {
    test(`${runtime}: gone once the run has ended`, async () => {
      const { child, pids } = startPrun([runtime, '1', ':::', 'a'], detached);
      const result = await child;
      assert.equal(result.exitCode, 0, String(result.stderr));
      await assertNoWorkerLeft(pids);
    });
  }

  test('--procs: gone with a worker ended for --timeout, while prun runs on', async () => {
    const flag = join(dir, `detached-flag-${runs}`);
    const { child, pids } = startPrun(['--procs', '1', '--timeout', '300ms', ':::', 'hang', `wait ${flag}`], detached);
    await waitForLines(child.stderr!, /^started /, 2);
    const [firstWorker, firstSleep] = await recordedPids(pids);
    await assertGoneWithin([firstWorker!, firstSleep!], GONE_WITHIN_MS);
    await writeFile(flag, '');
    await child;
    await assertNoWorkerLeft(pids);
  });

  test('--procs: gone soon after prun is SIGKILLed while its worker is busy in a loop (was: the worker could not end it, and it ran on under init)', async () => {
    const { child, pids } = startPrun(['--procs', '1', ':::', 'hang'], detached);
    await waitForLines(child.stderr!, /^busy$/);
    child.kill('SIGKILL');
    await child;
    await assertGoneWithin(await recordedPids(pids), GONE_WITHIN_MS);
  });

  for (const runtime of runtimes) {
    test(`${runtime}: gone with a worker that ran out of memory (was: left running by --memory-limit under --procs)`, async () => {
      const { child, pids } = startPrun([runtime, '1', '--memory-limit', '64M', '--json', ':::', 'hog'], detached);
      const result = await child;
      assert.equal(result.exitCode, 1, String(result.stderr));
      assert.equal((JSON.parse(lines(result.stdout)[0]!) as { code?: string }).code, 'ERR_OUT_OF_MEMORY');
      await assertNoWorkerLeft(pids);
    });
  }

  test('--procs: gone soon after prun is SIGKILLed (the lifeline ends the worker, which ends it)', async () => {
    const { child, pids } = startPrun(['--procs', '1', ':::', `wait ${join(dir, 'never')}`], detached);
    await waitForLines(child.stderr!, /^waiting /);
    child.kill('SIGKILL');
    await child;
    await assertGoneWithin(await recordedPids(pids), GONE_WITHIN_MS);
  });
});

describe('a prun started by a task of another (its workers carry both runs\' marks)', () => {
  test('--procs: outer prun SIGKILLed while the inner run\'s worker is busy in a loop: the inner worker and what its setup() started are gone (was: left running under init)', async () => {
    const pids = join(dir, `pids-${++runs}`);
    const child = execa(bin, ['map', 'fixtures/nested-prun.ts', '--procs', '1', ':::', 'hang'], { cwd: root, reject: false, env: { PRUN_TEST_PIDS: pids }, timeout: 60_000 });
    await waitForLines(child.stderr!, /^busy$/);
    child.kill('SIGKILL');
    await child;
    const recorded = await recordedPids(pids);
    assert.equal(recorded.length, 2);
    await assertGoneWithin(recorded, GONE_WITHIN_MS);
  });
});

describe("a shell's background job started by setup() (sh -c 'sleep 300 &'), whose shell has exited, outlived the run under --threads", () => {
  const background = { PRUN_TEST_BACKGROUND: '1' };
  for (const runtime of runtimes) {
    test(`${runtime}: gone once the run has ended`, async () => {
      const { child, pids } = startPrun([runtime, '1', ':::', 'a'], background);
      const result = await child;
      assert.equal(result.exitCode, 0, String(result.stderr));
      await assertNoWorkerLeft(pids);
    });

    test(`${runtime}: gone with a worker ended for --timeout, while prun runs on`, async () => {
      const flag = join(dir, `background-flag-${runs}`);
      const { child, pids } = startPrun([runtime, '1', '--chunksize', '1', '--timeout', '300ms', ':::', 'hang', `wait ${flag}`], background);
      // the replacement has started: the first worker's background job goes with it
      await waitForLines(child.stderr!, /^started /, 2);
      const [firstSleep] = await recordedPids(pids);
      await assertGoneWithin([firstSleep!], GONE_WITHIN_MS);
      await writeFile(flag, '');
      await child;
      await assertNoWorkerLeft(pids);
    });
  }
});

describe('--threads --timeout on a task waiting in spawnSync (was: the thread, and the run, waited for the command to end)', () => {
  test('the task times out, its command is ended, the run goes on', async () => {
    const { child, pids } = startPrun(['--threads', '1', '--chunksize', '1', '--timeout', '500ms', '--json', ':::', 'sync', 'after']);
    const result = await child;
    assert.equal(result.exitCode, 1, String(result.stderr));
    const [sync, after] = lines(result.stdout).map((line) => JSON.parse(line) as { code?: string; result?: string });
    assert.equal(sync?.code, 'ERR_TIMEOUT');
    assert.equal(after?.result, 'after');
    await assertNoWorkerLeft(pids);
  });
});

describe('a worker ended on purpose is reported for what it did, not for how prun ended it', () => {
  test('--procs: a task deaf to SIGTERM that passes --timeout: timed out, and its worker and sleep are gone', async () => {
    const { child, pids } = startPrun(['--procs', '1', '--timeout', '300ms', '--json', ':::', 'deaf', 'after']);
    const result = await child;
    assert.equal(result.exitCode, 1, String(result.stderr));
    const [deaf, after] = lines(result.stdout).map((line) => JSON.parse(line) as { error?: string; result?: string });
    assert.equal(deaf?.error, 'timed out after 300ms');
    assert.equal(after?.result, 'after');
    await assertNoWorkerLeft(pids);
  });
});

describe('the reader of stdout goes away (| head -n 1): prun exits at once, and leaves nothing running', () => {
  for (const runtime of runtimes) {
    test(runtime, async () => {
      const pids = join(dir, `pids-${++runs}`);
      const child = execa(bin, ['map', 'fixtures/setup-child.ts', runtime, '2', '--chunksize', '1'], {
        cwd: root,
        reject: false,
        env: { PRUN_TEST_PIDS: pids },
        input: Array.from({ length: 200_000 }, (_, i) => `${i}\n`).join(''),
        timeout: 60_000,
      });
      await waitForLines(child.stdout!, /^0$/);
      child.stdout!.destroy();
      const result = await child;
      assert.equal(result.exitCode, 141);
      const recorded = await recordedPids(pids);
      assert.equal(recorded.length >= 2, true);
      await assertGoneWithin(recorded, GONE_WITHIN_MS);
    });
  }
});
