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
  // what prun started for itself (the results relay of stdout-takeover.ts) still has work to
  // do, and what it was born with is the shell's
  const spared = new Set([...spare, ...bornWith]);
  const found = new Set([...descendantsOf(process.pid, spared), ...processesMarked(RUN_MARK, { under: true })]);
  await endProcesses([...found], GRACE_MS);
}

/** prun's children when it started (noteChildrenBornWith). */
let bornWith: readonly number[] = [];

/**
 * Notes the children prun's process has before it starts anything: not prun's, but the shell's.
 * A process substitution (`prun … > >(reader)`, `2> >(reader)`) is forked by the shell that then
 * becomes prun, so the reader is a child of prun from its first instant. endDescendants spares
 * them and what they start (was: under --threads, prun ended the reader of its own results at
 * its exit: all of them lost, exit 0). To be called first, before any worker thread runs.
 */
export function noteChildrenBornWith(): void {
  bornWith = descendantsOf(process.pid);
}
