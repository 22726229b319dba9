import { availableParallelism, totalmem } from 'node:os';
import type { MachineLimits } from '../engine/scheduler/resource-gate.js';
import { usageError } from '../errors.js';
import { canCountProcesses } from '../io/machine-load.js';
import { describe } from './arguments.js';
import { parseByteSize } from './byte-size.js';
import { gnuCount } from './gnu-count.js';

/** What the machine must have for an input to start, as GNU parallel's options say it. */
export interface MachineLimitOptions {
  /** No input starts while less memory is available: bytes, or a size ('2G', '512M'). */
  memFree?: number | string;
  /** No input starts while this many processes run or more: a number, 'N%' of the cores, '+N' or '-N' of them. */
  load?: number | string;
}

/** Undefined when neither is given: the run takes no look at the machine. */
export function normalizeMachineLimits(options: MachineLimitOptions): MachineLimits | undefined {
  const memFreeBytes = options.memFree === undefined ? undefined : parseMemFree('memFree', options.memFree);
  const maxLoad = options.load === undefined ? undefined : parseLoad('load', options.load);
  return memFreeBytes === undefined && maxLoad === undefined ? undefined : { memFreeBytes, maxLoad };
}

/**
 * GNU parallel's --memfree, in bytes. More than the machine has is refused: a run that waits
 * for it would start nothing, and say nothing, for ever.
 */
export function parseMemFree(name: string, value: unknown, memoryBytes = totalmem()): number {
  const bytes = typeof value === 'string' ? parseByteSize(name, value) : value;
  // past the memory before past 2^53: `10P` is too much, not a wrong size (was: the other line, a review)
  if (typeof bytes === 'number' && bytes > memoryBytes) throw usageError(`${name} ${describe(value)} is more than this machine's memory (${(memoryBytes / 2 ** 30).toFixed(1)} GiB): no input could ever start`);
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 1) throw usageError(`${name} must be a size (1M, 512k, 100000), got ${describe(value)}`);
  return bytes;
}

/**
 * GNU parallel's --load: "the same syntax as --jobs, so 100% for one per CPU [...]. Only
 * difference is 0 which is interpreted as 0.01"; as a load, a fraction is one too. Refused
 * where the load cannot be counted: GNU parallel then takes it as too high, and a run that
 * waits for it would start nothing, and say nothing, for ever.
 */
export function parseLoad(name: string, value: unknown, cores = availableParallelism(), loadCountable: () => boolean = canCountProcesses): number {
  const load = typeof value === 'number' || typeof value === 'string' ? gnuCount(String(value), cores, true) : undefined;
  if (load === undefined) throw usageError(`${name} must be N, N%, +N or -N, got ${describe(value)}`);
  if (!loadCountable()) throw usageError(`${name} cannot be used here: prun counts the running processes in /proc, and this system has no /proc`);
  return Math.max(0.01, load);
}
