import { parseHalt } from '../engine/halt.js';
import { gnuExit } from '../model/gnu-exit.js';
import type { ProgressTracker } from '../progress/tracker.js';

/** GNU parallel stops at 101 failed jobs in its exit status: more is "more than 100". */
const MAX_FAILED_STATUS = 101;

/**
 * prun exec's exit status once jobs failed, as GNU parallel computes it (its should_we_halt
 * and halt): the number of failed jobs, up to 101; after a --halt on 1 failure (or 1 done),
 * the status of the job that met it (128+n for signal n, 255 for a timeout), as a shell would say; after a
 * --halt on a percentage, the percentage of jobs that had failed then, rounded up; after
 * --halt ...,success=N was met, 0. A --halt percentage never met gives the percentage of
 * failed among the jobs that ran.
 */
export function gnuExitStatus(halt: string | undefined, tracker: Pick<ProgressTracker, 'failed' | 'succeeded' | 'total' | 'haltedBy'>): number {
  const policy = halt === undefined ? undefined : parseHalt(halt, '--halt');
  const failed = Math.min(tracker.failed, MAX_FAILED_STATUS);
  if (!policy) return failed;
  const by = tracker.haltedBy;
  if (!by) return policy.fraction === undefined ? failed : Math.ceil((tracker.failed / (tracker.succeeded + tracker.failed || 1)) * 100);
  if (policy.on === 'success') return 0;
  // a percentage only halts once the total is known
  const total = tracker.total ?? 1;
  const threshold = policy.count ?? policy.fraction! * total;
  // a job that timed out is Exitval -1 to GNU parallel: 255 as an exit status
  if (threshold === 1) return gnuExit(by.status, by.code, undefined).exitval & 0xff;
  return policy.fraction === undefined ? Math.min(by.failed, MAX_FAILED_STATUS) : Math.ceil((by.failed / total) * 100);
}
