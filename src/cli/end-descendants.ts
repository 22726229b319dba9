import { RUN_MARK } from '../runtime/owner-mark.js';
import { descendantsOf, endProcesses, processesMarked } from '../runtime/process-tree.js';

/** How long what a worker thread started may take to end after SIGTERM, when prun ends, before SIGKILL. */
const GRACE_MS = 1000;

/**
 * Ends every process descended from prun's own but `spare`, and every process that carries a
 * mark of its workers (runtime/owner-mark.ts), SIGTERM then SIGKILL a second later, each by its
 * pid: never by process group, since prun's group also holds the other commands of a shell
 * pipeline (`seq 10 | prun … | sort`).
 *
 * For `--threads`: what setup() or a task starts in a worker thread is a child of prun itself,
 * in prun's own group, so no worker's group can end it; and a shell's background job whose
 * shell has exited is init's child, out of prun's tree, found by its mark. Linux only (it reads
 * /proc); elsewhere it does nothing. Only the CLI calls it, at its end: in the library,
 * prun's process is the user's, and so are its children.
 */
export async function endDescendants(spare: readonly number[] = []): Promise<void> {
  const found = new Set([...descendantsOf(process.pid), ...processesMarked(RUN_MARK, { under: true })]);
  // what prun started for itself (the results relay of stdout-takeover.ts) still has work to do
  for (const pid of spare) found.delete(pid);
  await endProcesses([...found], GRACE_MS);
}
