import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { lines } from './prun.js';

export interface JsonOutcome {
  index: number;
  input: string;
  result?: unknown;
  error?: string;
  code?: string;
  exitCode?: number;
  signal?: string;
  exitStatus?: number;
  timeoutMs?: number;
}

/** Parses `--json` output and checks that every input in [0, total) appears exactly once. */
export function accountFor(stdout: unknown, total: number): Map<number, JsonOutcome> {
  const outcomes = new Map<number, JsonOutcome>();
  for (const line of lines(stdout)) {
    const outcome = JSON.parse(line) as JsonOutcome;
    assert.ok(!outcomes.has(outcome.index), `input ${outcome.index} appears twice`);
    outcomes.set(outcome.index, outcome);
  }
  const missing = [...Array(total).keys()].filter((index) => !outcomes.has(index));
  assert.deepEqual(missing, [], 'inputs with neither a result nor a failure');
  assert.equal(outcomes.size, total);
  return outcomes;
}

/** Every worker process a fixture recorded in PRUN_TEST_PIDS has ended. */
export async function assertNoWorkerLeft(pidFile: string): Promise<void> {
  const text = await readFile(pidFile, 'utf8').catch(() => '');
  for (const pid of lines(text.trim()).map(Number)) {
    assert.ok(!(await isRunning(pid)), `worker ${pid} is still running`);
  }
}

/**
 * Waits until none of `pids` is running, up to `ms`, for processes that end after prun does
 * (by its lifeline, when prun was killed); fails naming those still running then.
 */
export async function assertGoneWithin(pids: number[], ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  const stillRunning = async (of: number[]) => (await Promise.all(of.map(async (pid) => ((await isRunning(pid)) ? [pid] : [])))).flat();
  let running = await stillRunning(pids);
  while (running.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    running = await stillRunning(running);
  }
  assert.deepEqual(running, [], `still running ${ms} ms later`);
}

/** A zombie has ended; only its parent has not collected it yet. */
async function isRunning(pid: number): Promise<boolean> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  return status !== undefined && !/^State:\s+Z/m.test(status);
}
