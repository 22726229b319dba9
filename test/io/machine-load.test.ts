// The machine as --load and --memfree read it, on a /proc of our own making where the rule
// needs one, and on the real one where only its shape can be known.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { availableMemoryBytes, canCountProcesses, runningProcesses } from '../../src/io/machine-load.js';
import { scratchDir } from '../helpers/files.js';

const dir = scratchDir('machine-load');

/** A /proc holding these tasks: [pid, tid, the stat line after "pid "]. */
function fakeProc(name: string, tasks: [number, number, string][]): string {
  const root = join(dir, name);
  rmSync(root, { recursive: true, force: true });
  for (const [pid, tid, stat] of tasks) {
    mkdirSync(join(root, String(pid), 'task', String(tid)), { recursive: true });
    writeFileSync(join(root, String(pid), 'task', String(tid), 'stat'), `${tid} ${stat}\n`);
  }
  // what /proc also holds, and is no process
  mkdirSync(join(root, 'sys'), { recursive: true });
  writeFileSync(join(root, 'stat'), 'procs_running 99\n');
  return root;
}

test("--load's count is GNU parallel's `ps axH`: threads running (R) or on the disk (D), kernel threads and the asking process left out", () => {
  const root = fakeProc('mixed', [
    [10, 10, '(node) R 1 10 10 0 -1 4194304 0 0'],
    [10, 11, '(node worker) R 1 10 10 0 -1 4194368 0 0'],
    [10, 12, '(libuv) S 1 10 10 0 -1 4194368 0 0'],
    [20, 20, '(dd) D 1 20 20 0 -1 4194304 0 0'],
    [30, 30, '(sleep) S 1 30 30 0 -1 4194304 0 0'],
    // a name may hold spaces and parentheses: the state is after the last ')'
    [40, 40, '(a) S (b)) R 1 40 40 0 -1 4194304 0 0'],
    [50, 50, '(zombie) Z 1 50 50 0 -1 4194308 0 0'],
    // a kernel thread (PF_KTHREAD), running: GNU parallel leaves out commands in [brackets]
    [2, 60, '(kworker/0:1) R 2 0 0 0 -1 69238880 0 0'],
    // the process asking, and its helper threads
    [77, 77, '(prun) R 1 77 77 0 -1 4194304 0 0'],
    [77, 78, '(prun) R 1 77 77 0 -1 4194368 0 0'],
  ]);
  // 10, 11, 20 and 40
  assert.equal(runningProcesses(root, 77), 4);
});

test('a process that ends while it is being counted is not counted, and no /proc is "cannot be known"', () => {
  const root = fakeProc('vanishing', [[10, 10, '(node) R 1 10 10 0 -1 4194304 0 0']]);
  // listed, but its tasks gone by the time they are read
  mkdirSync(join(root, '11'));
  assert.equal(runningProcesses(root, 1), 1);
  assert.equal(runningProcesses(join(dir, 'no-such-proc')), undefined);
  assert.equal(canCountProcesses(join(dir, 'no-such-proc')), false);
  assert.equal(canCountProcesses(root), true);
});

test('on this machine: a count, and memory that is some of what it has', () => {
  const count = runningProcesses();
  assert.ok(Number.isInteger(count) && count! >= 0, String(count));
  const free = availableMemoryBytes();
  assert.ok(free > 0 && Number.isFinite(free), String(free));
});
