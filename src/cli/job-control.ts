import { resumeChildren, stopChildren } from '../runtime/stoppable-children.js';

/** What must happen around a stop of prun: leave the terminal tidy, and come back to it. */
export interface StopHooks {
  leave(): void;
  back(): void;
}

const hooks = new Set<StopHooks>();
let passing = false;

/**
 * Ctrl-Z stops the whole run and `fg`/`bg` continue it, as GNU parallel does: the terminal's
 * SIGTSTP reaches prun's group only, so prun stops its children (stoppable-children.ts), then
 * itself; on SIGCONT it resumes them. A listener for SIGTSTP replaces the default stop, which
 * is why prun stops itself, once, after the hooks.
 */
export function passJobControl(): void {
  if (passing) return;
  passing = true;
  process.on('SIGTSTP', () => {
    // the children first: a job's stderr is the terminal's, and nothing must be written after the tidying
    stopChildren();
    for (const each of hooks) each.leave();
    process.kill(process.pid, 'SIGSTOP');
  });
  process.on('SIGCONT', () => {
    resumeChildren();
    for (const each of hooks) each.back();
  });
}

/** Runs `stop.leave` before each stop of prun and `stop.back` after each continue, until the returned function is called. */
export function aroundStops(stop: StopHooks): () => void {
  passJobControl();
  hooks.add(stop);
  return () => void hooks.delete(stop);
}
