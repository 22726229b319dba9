import { descendantsOf, endProcesses } from '../runtime/process-tree.js';

/**
 * Ends every process descended from prun's own but `spare` (SIGTERM, then SIGKILL after `graceMs`),
 * each by its pid: never by process group, since prun's group also holds the other commands
 * of a shell pipeline (`seq 10 | prun … | sort`).
 *
 * For `--threads`: what setup() or a task starts in a worker thread is a child of prun itself,
 * in prun's own group, so no worker's group can end it. Linux only (it reads /proc); elsewhere
 * it does nothing. Only the CLI calls it, at its end: in the library, prun's process is the
 * user's, and so are its children.
 */
export async function endDescendants(graceMs: number, spare: readonly number[] = []): Promise<void> {
  // what prun started for itself (the results relay of stdout-takeover.ts) still has work to do
  await endProcesses(
    descendantsOf(process.pid).filter((pid) => !spare.includes(pid)),
    graceMs,
  );
}
