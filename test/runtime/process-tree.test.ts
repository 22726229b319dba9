// groupRunning, against real processes: a group of the dead, zombies waiting for init to reap
// them, is not running (init in a container may take seconds to reap, and prun waited for them).
// processesMarked, against real processes carrying marks in their environment. descendantsOf,
// against a real tree, by the kernel's lists of children and by a scan of every process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { OWNER_VARIABLE } from '../../src/runtime/owner-mark.js';
import { descendantsOf, groupRunning, processesMarked, scannedChildren } from '../../src/runtime/process-tree.js';

test('groupRunning: true while a process of the group runs, false once only zombies are left', async () => {
  // `sleep 0` ends at once, and its parent, exec'd into `sleep 30`, never reaps it: a zombie
  const leader = spawn('/bin/sh', ['-c', 'sleep 0 & exec sleep 30'], { detached: true, stdio: 'ignore' });
  const pgid = leader.pid!;
  try {
    await until(async () => (await zombiesOf(pgid)) > 0);
    assert.equal(groupRunning(pgid), true);
    leader.kill('SIGKILL');
    await once(leader, 'exit');
    // the zombie, now init's, may or may not have been reaped yet: either way nothing runs
    assert.equal(groupRunning(pgid), false);
  } finally {
    leader.kill('SIGKILL');
  }
});

test('groupRunning: false for a group that never was', () => {
  assert.equal(groupRunning(2 ** 22 + 12345), false);
});

test('processesMarked: a worker\'s mark exactly, or every mark of a run; a process that merely shares a prefix is not found', async () => {
  const run = `test-${process.pid}-${Date.now()}`;
  // the last: a worker of a prun started by a task of another carries both marks
  const marks = [`${run}.1`, `${run}.2`, `${run}.10`, `${run}x.1`, `outer-1.4 ${run}.3`];
  // the mark is the first variable of one, the last of another: both are found
  const children = marks.map((mark, i) =>
    spawn('sleep', ['30'], { stdio: 'ignore', env: i === 0 ? { [OWNER_VARIABLE]: mark, PATH: process.env.PATH } : { PATH: process.env.PATH, [OWNER_VARIABLE]: mark } }),
  );
  try {
    await Promise.all(children.map((child) => once(child, 'spawn')));
    const [one, two, ten, other, nested] = children.map((child) => child.pid!);
    assert.deepEqual(processesMarked(`${run}.1`), [one]);
    assert.deepEqual(processesMarked(run, { under: true }).sort(), [one, two, ten, nested].sort());
    assert.deepEqual(processesMarked(`${run}x`, { under: true }), [other]);
    assert.deepEqual(processesMarked(`${run}.3`), [nested]);
  } finally {
    for (const child of children) child.kill('SIGKILL');
  }
});

/** Zombie children of `parent`, from /proc. */
async function zombiesOf(parent: number): Promise<number> {
  const children = await readFile(`/proc/${parent}/task/${parent}/children`, 'utf8').catch(() => '');
  const states = await Promise.all(
    children.split(' ').filter(Boolean).map((pid) => readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')),
  );
  return states.filter((stat) => stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')).length;
}

/** Polls `condition` every 10 ms; the test's own timeout bounds it. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}

test('descendantsOf: a tree below us, a new session\'s included, never what is spared; the kernel\'s lists of children and a scan agree', async () => {
  // sh, with a child in the background and one in a session of its own
  const tree = spawn('sh', ['-c', 'sleep 30 & setsid sleep 30 & echo ready; wait'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const other = spawn('sleep', ['30'], { stdio: 'ignore', detached: true });
  await once(tree.stdout!, 'data');
  try {
    const shells = descendantsOf(tree.pid!);
    // the background sleep, and the setsid one (setsid may fork once more: whatever it is, it runs below us)
    assert.ok(shells.length >= 2 && shells.length <= 3, String(shells));
    const ours = descendantsOf(process.pid);
    assert.ok([tree.pid!, other.pid!, ...shells].every((pid) => ours.includes(pid)), `${ours} lacks one of ${[tree.pid, other.pid, ...shells]}`);
    assert.deepEqual(descendantsOf(process.pid, new Set([tree.pid!])).filter((pid) => [tree.pid!, ...shells].includes(pid)), []);
    assert.deepEqual(new Set(descendantsOf(tree.pid!, new Set(), scannedChildren())), new Set(shells));
  } finally {
    for (const pid of [...descendantsOf(tree.pid!), tree.pid!, other.pid!]) process.kill(pid, 'SIGKILL');
  }
});
