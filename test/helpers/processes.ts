import { readdir, readFile, readlink } from 'node:fs/promises';
import { assertGoneWithin } from './accounting.js';

/**
 * The processes descended from `pid` now (workers, shell lanes, their children), read from
 * /proc, so that a test can check that none outlives prun whatever runs the work.
 */
export async function descendantsOf(pid: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => undefined);
    // the command name may hold spaces and parentheses: the fields after its last ')' are plain
    const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields) parents.set(Number(entry), Number(fields[1]));
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [child, ppid] of parents) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/**
 * None of the processes is running, or none is within `ms`: prun's lifeline watcher ends what
 * is left about a second after prun.
 */
export function assertAllEnded(pids: readonly number[], ms = 5000): Promise<void> {
  return assertGoneWithin([...pids], ms);
}

/** Resolves once process `pid` holds `path` open: then it is waiting on it. */
export async function waitUntilOpen(pid: number, path: string): Promise<void> {
  for (;;) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      if ((await readlink(`/proc/${pid}/fd/${fd}`).catch(() => undefined)) === path) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

