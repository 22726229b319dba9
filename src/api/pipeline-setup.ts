import type { PipelineOptions } from '../engine/pipeline.js';
import { ResourceGate } from '../engine/scheduler/resource-gate.js';
import { availableMemoryBytes, runningProcesses } from '../io/machine-load.js';
import { keyedRun, throttling } from './keyed-run.js';
import type { NormalizedOptions } from './options.js';

/** The parts of a pipeline that the way of running decides: where inputs come from and run. */
export type PipelineParts = Pick<PipelineOptions, 'source' | 'executor' | 'skip' | 'onLeadingSkipped' | 'journal' | 'tracker' | 'naming'>;

/** The pipeline options that the user's options decide, for any executor. */
export function pipelineFor(normalized: NormalizedOptions, parts: PipelineParts, workers = normalized.workers): PipelineOptions {
  const { ordered, chunksize, retries, halt, retryDelay, machine } = normalized;
  const limits = keyedRun(normalized.limits, parts.tracker);
  const gate = machine && new ResourceGate(machine, { availableMemoryBytes, runningProcesses });
  return { workers, ordered, chunksize, retries, halt, retryDelay, limits, throttling: throttling(normalized.throttle), gate, ...parts };
}
