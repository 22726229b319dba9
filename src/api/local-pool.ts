import { Pool } from '../pool/pool.js';
import { FDS_A_WORKER, withinOpenFiles } from '../runtime/open-files.js';
import type { ResultFormat } from '../runtime/protocol.js';
import type { NormalizedOptions } from './options.js';

/** The local pool the user's options ask for: a local run's, or a --queue producer's own workers. */
export function localPool(
  normalized: NormalizedOptions,
  run: {
    journal: boolean;
    format: ResultFormat;
    modulePath: Promise<string>;
    scriptName: string;
    inputsLeft?: () => number | undefined;
    leadingSkipped?: Promise<void> | undefined;
    notice?: (line: string) => void;
  },
): Pool {
  return new Pool({
    runtime: normalized.runtime,
    workers: workersWithinOpenFiles(normalized.workers, FDS_A_WORKER[normalized.runtime], run.notice),
    concurrency: normalized.concurrency,
    maxTasksPerWorker: normalized.maxTasksPerChild,
    memoryLimitMb: normalized.memoryLimitMb,
    timeoutMs: normalized.timeoutMs,
    timings: run.journal,
    modulePath: run.modulePath,
    scriptName: run.scriptName,
    format: run.format,
    inputsLeft: run.inputsLeft,
    leadingSkipped: run.leadingSkipped,
    notice: run.notice,
  });
}

/** `workers`, or as many as the limit of open files allows, said as a notice, as `prun exec` says it of its lanes. */
function workersWithinOpenFiles(workers: number, each: number, notice: ((line: string) => void) | undefined): number {
  const fit = workers > 1 ? withinOpenFiles(each) : undefined;
  if (!fit || fit.fits >= workers) return workers;
  notice?.(`prun: only enough file handles to run ${fit.fits} worker${fit.fits === 1 ? '' : 's'} at once (ulimit -n is ${fit.limit}): running ${fit.fits}, not ${workers}`);
  return fit.fits;
}
