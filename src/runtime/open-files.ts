import { readdirSync, readFileSync } from 'node:fs';

/** What a shell lane holds open in prun: its stdin, its stdout and its lifeline (lane.ts), and room for the files of its job's output as they are read. */
const FDS_A_LANE = 4;
/** Kept free beside the lanes: prun's own files (the joblog, --failed-out, stdout's relay), its workers' pipes, Node's own. */
const FDS_SPARE = 32;

/** What a worker holds open in prun, measured: a forked one its stdout, stderr and IPC channel, a thread its event loop's. */
const FDS_A_WORKER = { process: 3, thread: 4 } as const;

/**
 * `workers` of `prun map`'s pool (a local run's, a producer's own, a `prun worker`'s), or as
 * many as the limit of open files allows, said in one line, as `prun exec` says it of its lanes
 * (was: EMFILE as they started, and the run ended).
 */
export function workersWithinOpenFiles(workers: number, runtime: keyof typeof FDS_A_WORKER, notice: ((line: string) => void) | undefined): number {
  const fit = workers > 1 ? withinOpenFiles(FDS_A_WORKER[runtime]) : undefined;
  if (!fit || fit.fits >= workers) return workers;
  notice?.(`prun: only enough file handles to run ${fit.fits} worker${fit.fits === 1 ? '' : 's'} at once (ulimit -n is ${fit.limit}): running ${fit.fits}, not ${workers}`);
  return fit.fits;
}

/**
 * How many shell lanes prun can keep open under this process's limit of open files (`ulimit
 * -n`), beside what it has open already; undefined where /proc cannot say. GNU parallel
 * does the same ("Only enough file handles to run 252 jobs in parallel"): past the limit a
 * lane's spawn fails with EMFILE (was: a stack trace, and no input ran).
 */
export function lanesWithinOpenFiles(): { lanes: number; limit: number } | undefined {
  const fit = withinOpenFiles(FDS_A_LANE);
  return fit && { lanes: fit.fits, limit: fit.limit };
}

/**
 * How many of what holds `each` files open fit under this process's limit of open files,
 * beside what it has open already and FDS_SPARE; undefined where /proc cannot say. For
 * `prun map`'s workers too (was: under `ulimit -n 48`, --procs 8 died of EMFILE at start).
 */
export function withinOpenFiles(each: number): { fits: number; limit: number } | undefined {
  let limits: string;
  let open: number;
  try {
    limits = readFileSync('/proc/self/limits', 'latin1');
    open = readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
  const soft = /^Max open files\s+(\d+|unlimited)/m.exec(limits)?.[1];
  if (soft === undefined || soft === 'unlimited') return undefined;
  const limit = Number(soft);
  return { fits: Math.max(1, Math.floor((limit - open - FDS_SPARE) / each)), limit };
}
