import { PrunError } from '../errors.js';
import type { ProgressTracker } from '../progress/tracker.js';

/**
 * Why a library caller's loop ends early: its `halt` policy was met. Thrown after the outcomes
 * of what ran, so that a halted run is never taken for a finished one (was: the loop ended as
 * if every input had run, the inputs after the halt without an outcome). Inputs the run never
 * took from the caller's iterable are not counted: they were never read.
 */
export function haltedError(tracker: Pick<ProgressTracker, 'halted' | 'notRun'>, halt: string | undefined): PrunError | undefined {
  if (!tracker.halted) return undefined;
  const taken = tracker.notRun === 0 ? '' : `: ${tracker.notRun} input${tracker.notRun === 1 ? '' : 's'} it had taken never ran`;
  return new PrunError('ERR_HALTED', `the run halted, as halt ${JSON.stringify(halt)} says${taken}, and it took no more`);
}
