import { readdirSync, readFileSync } from 'node:fs';

/**
 * What each thing prun runs holds open in prun: a shell lane its stdin, its stdout and its
 * lifeline (lane.ts), and room for the files of its job's output as they are read; a forked
 * worker its stdout, stderr and IPC channel; a worker thread its event loop's (measured).
 */
const FDS_HELD = { lane: 4, process: 3, thread: 4 } as const;
/** Kept free beside them: prun's own files (the joblog, --failed-out, stdout's relay), Node's own. */
const FDS_SPARE = 32;

/**
 * `wanted` shell lanes (`prun exec`) or workers (`prun map`'s pool: a local run's, a producer's
 * own, a `prun worker`'s), or as many as this process's limit of open files (`ulimit -n`)
 * allows beside what it has open already, said in one line. GNU parallel does the same ("Only
 * enough file handles to run 252 jobs in parallel"): past the limit a spawn fails with EMFILE
 * (was: a stack trace, no input run; for map's workers, the run ended).
 */
export function withinOpenFiles(wanted: number, kind: keyof typeof FDS_HELD, say: ((line: string) => void) | undefined): number {
  const fit = wanted > 1 ? fitting(FDS_HELD[kind]) : undefined;
  if (!fit || fit.fits >= wanted) return wanted;
  const what = `${kind === 'lane' ? 'job' : 'worker'}${fit.fits === 1 ? '' : 's'}`;
  say?.(`prun: only enough file handles to run ${fit.fits} ${what} at once (ulimit -n is ${fit.limit}): running ${fit.fits}, not ${wanted}`);
  return fit.fits;
}

/** How many of what holds `each` files open fit beside what is open and FDS_SPARE; undefined where /proc cannot say. */
function fitting(each: number): { fits: number; limit: number } | undefined {
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
