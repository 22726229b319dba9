import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import { waitForPids, waitUntilGone } from '../helpers/exec.js';
import { scratchDir } from '../helpers/files.js';
import { descendantsOf } from '../helpers/processes.js';
import { bin, lines, root } from '../helpers/prun.js';
import { waitForLines } from '../helpers/streams.js';

const BOUNDED = { timeout: 60_000 };
const scratch = scratchDir('job-control');

/** The state letter /proc gives the process (R, S, T for stopped, Z), or '' once it is gone. */
async function stateOf(pid: number): Promise<string> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

/**
 * Whether the process is stopped, or held by a stopped child: a shell that forked its child
 * with vfork waits for the child's exec in state D, and a child stopped before its exec holds
 * it there (seen in CI: `21467 T, 21469 D`).
 */
async function stoppedOrHeld(pid: number): Promise<boolean> {
  const state = await stateOf(pid);
  if (state === 'T') return true;
  if (state !== 'D') return false;
  const children = await descendantsOf(pid);
  return (await Promise.all(children.map(stateOf))).includes('T');
}

/** Resolves once every process is stopped; fails naming the states seen if that takes past `ms`. */
async function waitUntilStopped(pids: readonly number[], ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if ((await Promise.all(pids.map(stoppedOrHeld))).every(Boolean)) return;
    const states = await Promise.all(pids.map(stateOf));
    assert.ok(Date.now() < deadline, `not stopped: ${pids.map((pid, i) => `${pid} ${states[i]}`).join(', ')}`);
    await delay(10);
  }
}

/** The forked workers of a prun: its node children (not its lifeline's sh, nor esbuild). */
async function workersOf(pid: number): Promise<number[]> {
  const all = await descendantsOf(pid);
  const names = await Promise.all(all.map((child) => readFile(`/proc/${child}/comm`, 'utf8').catch(() => '')));
  return all.filter((_, i) => names[i]!.trim() === 'node');
}

describe('Ctrl-Z stops the whole run, fg continues it (was: workers and jobs in groups of their own ran on)', () => {
  // a test that fails leaves no prun stopped behind it (one did, in CI): SIGKILL ends a stopped
  // process, and its lifelines end its jobs
  const started = new Set<ResultPromise>();
  const run = (args: string[]): ResultPromise => {
    const child = execa(bin, args, { cwd: root, reject: false });
    started.add(child);
    return child;
  };
  afterEach(() => {
    for (const child of started) child.kill('SIGKILL');
    started.clear();
  });

  test('prun exec: its jobs stop with prun and finish after SIGCONT, every result once', BOUNDED, async () => {
    const dir = join(scratch, 'exec');
    const pids = join(dir, 'pids');
    const go = join(dir, 'go');
    await mkdir(dir, { recursive: true });
    const child = run(['exec', '-j', '2', `echo $$ >> ${pids}; n=0; while [ ! -e ${go} ] && [ $n -lt 3000 ]; do n=$((n+1)); sleep 0.01; done; echo {}`, ':::', 'a', 'b']);
    await waitForPids(pids, 2);
    child.kill('SIGTSTP');
    await waitUntilStopped([child.pid!]);
    await waitUntilStopped(lines((await readFile(pids, 'utf8')).trim()).map(Number));
    await writeFile(go, '');
    child.kill('SIGCONT');
    const result = await child;
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.deepEqual(lines(result.stdout).sort(), ['a', 'b']);
  });

  test('prun map --procs: its workers stop with prun and finish after SIGCONT', BOUNDED, async () => {
    const go = join(scratch, 'map-go');
    const child = run(['map', 'fixtures/wait-for-file.ts', '--procs', '2', '--chunksize', '1', ':::', `wait ${go}`, `wait ${go}`]);
    await waitForLines(child.stderr!, /^waiting /, 2);
    const workers = await workersOf(child.pid!);
    assert.equal(workers.length, 2);
    child.kill('SIGTSTP');
    await waitUntilStopped([child.pid!, ...workers]);
    await writeFile(go, '');
    child.kill('SIGCONT');
    const result = await child;
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(lines(result.stdout).length, 2);
  });

  // stopped past --timeout, then continued: a task that needs only a moment more finishes. The
  // stop must outlast the timeout for the test to mean anything: that wait is the scenario
  const STOPPED_PAST_TIMEOUT_MS = 4500;
  for (const runtime of ['--procs', '--threads']) {
    test(`prun map ${runtime} --timeout: the time stopped by a Ctrl-Z is no time run (was: every running input failed ERR_TIMEOUT at fg)`, BOUNDED, async () => {
      const go = join(scratch, `timeout-go${runtime}`);
      const child = run(['map', 'fixtures/wait-for-file.ts', runtime, '2', '--chunksize', '1', '--timeout', '4s', '--json', ':::', `wait ${go}`, `wait ${go}`]);
      await waitForLines(child.stderr!, /^waiting /, 2);
      child.kill('SIGTSTP');
      await waitUntilStopped([child.pid!, ...(runtime === '--procs' ? await workersOf(child.pid!) : [])]);
      await delay(STOPPED_PAST_TIMEOUT_MS);
      await writeFile(go, '');
      child.kill('SIGCONT');
      const result = await child;
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.deepEqual(lines(result.stdout).map((line) => JSON.parse(line).error?.code), [undefined, undefined]);
    });
  }

  test('prun map --procs --timeout: a synchronous task that runs across a Ctrl-Z is timed by the time it ran (was: ERR_TIMEOUT, its end judged before the stop was told)', BOUNDED, async () => {
    const script = join(scratch, 'busy-running.ts');
    // busy for 1.5 s of the time it runs: a gap of more than 200 ms is a stop, not counted
    await writeFile(script, `export default (ms: string) => {
  console.error('busy');
  let ran = 0;
  let last = performance.now();
  while (ran < Number(ms)) {
    const now = performance.now();
    if (now - last < 200) ran += now - last;
    last = now;
  }
  return ms;
};
`);
    const child = run(['map', script, '--procs', '1', '--timeout', '3s', '--json', ':::', '1500']);
    await waitForLines(child.stderr!, /^busy/, 1);
    child.kill('SIGTSTP');
    await waitUntilStopped([child.pid!, ...(await workersOf(child.pid!))]);
    await delay(STOPPED_PAST_TIMEOUT_MS);
    child.kill('SIGCONT');
    const result = await child;
    assert.equal(result.exitCode, 0, String(result.stdout) + String(result.stderr));
    assert.equal(JSON.parse(lines(result.stdout)[0]!).result, '1500');
  });

  test('prun exec --timeout: the time stopped by a Ctrl-Z is no time run (was: every running job failed ERR_TIMEOUT at fg)', BOUNDED, async () => {
    const dir = join(scratch, 'exec-timeout');
    const pids = join(dir, 'pids');
    const go = join(dir, 'go');
    await mkdir(dir, { recursive: true });
    const child = run(['exec', '-j', '2', '--timeout', '4s', `echo $$ >> ${pids}; n=0; while [ ! -e ${go} ] && [ $n -lt 3000 ]; do n=$((n+1)); sleep 0.01; done; echo {}`, ':::', 'a', 'b']);
    await waitForPids(pids, 2);
    child.kill('SIGTSTP');
    await waitUntilStopped([child.pid!, ...lines((await readFile(pids, 'utf8')).trim()).map(Number)]);
    await delay(STOPPED_PAST_TIMEOUT_MS);
    await writeFile(go, '');
    child.kill('SIGCONT');
    const result = await child;
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.deepEqual(lines(result.stdout).sort(), ['a', 'b']);
  });

  test('prun exec killed (SIGKILL) while stopped: its stopped jobs are ended all the same (nothing left behind)', BOUNDED, async () => {
    const dir = join(scratch, 'killed');
    const pids = join(dir, 'pids');
    await mkdir(dir, { recursive: true });
    const child = run(['exec', '-j', '2', `echo $$ >> ${pids}; n=0; while [ $n -lt 3000 ]; do n=$((n+1)); sleep 0.01; done; : {}`, ':::', 'a', 'b']);
    await waitForPids(pids, 2);
    child.kill('SIGTSTP');
    await waitUntilStopped(lines((await readFile(pids, 'utf8')).trim()).map(Number));
    child.kill('SIGKILL');
    await child;
    await waitUntilGone(pids, 10_000);
  });
});
