import { groupRunning } from './process-tree.js';

/**
 * Signals to a whole process group: an exec lane and a forked map worker each lead their own
 * group, so everything they started is ended with them, with no orphans left running.
 */

/** Sends `signal` to the group; false when no process of it is left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  return signalProcess(-pgid, signal);
}

/** Sends `signal` to one process (a group, when negative); false when it is gone. */
export function signalProcess(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

const POLL_MS = 10;

/**
 * SIGTERM to the group, then SIGKILL to what is left of it after `graceMs` (GNU parallel's
 * --termseq in short). Settles when the group is empty, or soon after SIGKILL: a process
 * stuck in the kernel can outlive even that, and waiting on it must not hang prun.
 */
export async function endGroup(pgid: number, graceMs: number): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  if (await emptiedWithin(pgid, graceMs)) return;
  if (!signalGroup(pgid, 'SIGKILL')) return;
  await emptiedWithin(pgid, graceMs);
}

async function emptiedWithin(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    if (!signalGroup(pgid, 0) || groupRunning(pgid) === false) return true;
  }
  return false;
}
