import { stopBegan, stopEnded } from './stop-clock.js';

/**
 * prun's children that a Ctrl-Z of prun must stop too: forked workers and exec's lanes. Each
 * leads a session and group of its own (`detached`: so that one kill(-pgid) ends it with all
 * it started), out of the terminal's reach, and a Ctrl-Z that stopped prun left them running
 * (was: jobs and workers ran on, and wrote on, while the shell said prun was stopped).
 *
 * They are stopped with SIGSTOP, not passed the SIGTSTP as GNU parallel passes it to its jobs:
 * in a session of their own their groups are orphaned, and the kernel drops a SIGTSTP sent to
 * an orphaned group.
 */
export interface Stoppable {
  stop(): void;
  resume(): void;
}

const children = new Set<Stoppable>();

/**
 * `child` is stopped and resumed with prun from now. Call the returned function once its
 * leader has exited: from then on its number may name another group, never to be signalled.
 */
export function addStoppable(child: Stoppable): () => void {
  children.add(child);
  return () => void children.delete(child);
}

/** Stops them: their timeouts are told first that the time from now is no time run (stop-clock.ts). */
export function stopChildren(): void {
  stopBegan();
  for (const child of children) child.stop();
}

/** Continues them: told first how long they were stopped, so that no timer of theirs fires for it. */
export function resumeChildren(): void {
  stopEnded();
  for (const child of children) child.resume();
}
