import { Pool } from '../pool/pool.js';
import { withinOpenFiles } from '../runtime/open-files.js';
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
    workers: withinOpenFiles(normalized.workers, normalized.runtime, run.notice),
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
