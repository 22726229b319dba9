import { availableParallelism } from 'node:os';
import { type HaltPolicy, parseHalt } from '../engine/halt.js';
import { usageError } from '../errors.js';
import { describe } from './arguments.js';
import { parseSizeMb } from './duration.js';
import { type LimitOptions, type NormalizedLimits, normalizeLimits } from './limit-options.js';
import { milliseconds, text, wholeNumber, yesOrNo } from './option-values.js';
import type { RuntimeKind } from '../runtime/runtime.js';

/** Options shared by every way of running work. */
export interface RunOptions extends LimitOptions {
  /** 'process' (forked processes, the default) or 'thread' (worker_threads). */
  runtime?: RuntimeKind;
  /** How many workers; defaults to the machine's available parallelism. */
  workers?: number;
  /** Tasks each worker runs at once, for I/O-bound functions. Default 1. */
  concurrency?: number;
  /** Results in input order (the default), or as they complete. */
  ordered?: boolean;
  /** Inputs sent to a worker at once, or 'auto' (the default) to size batches from task durations. */
  chunksize?: number | 'auto';
  /** Replace a worker after this many inputs. */
  maxTasksPerChild?: number;
  /** How many more times a failed input is tried. Default 0. */
  retries?: number;
  /**
   * How long a task may run, from its start; then its signal aborts and it fails. Milliseconds,
   * or a duration as the CLI reads it: '500ms', '30s', '2m' (a bare '30' is seconds).
   */
  timeout?: number | string;
  /** Heap limit of each worker: MiB, or a size as the CLI reads it ('512M', '2G'). */
  memoryLimit?: number | string;
  /** When to stop early, as GNU parallel's --halt: 'soon,fail=1', 'now,fail=10%'. */
  halt?: string;
}

export interface NormalizedOptions extends NormalizedLimits {
  runtime: RuntimeKind;
  workers: number;
  concurrency: number;
  ordered: boolean;
  chunksize: number | undefined;
  maxTasksPerChild: number | undefined;
  retries: number;
  timeoutMs: number | undefined;
  memoryLimitMb: number | undefined;
  halt: HaltPolicy | undefined;
}

/** The facade validates once, naming the option and the value; the engine trusts. */
export function normalizeOptions(options: RunOptions = {}): NormalizedOptions {
  if (typeof options !== 'object' || options === null) throw usageError(`options must be an object, got ${describe(options)}`);
  const runtime = options.runtime ?? 'process';
  if (runtime !== 'process' && runtime !== 'thread') {
    throw usageError(`runtime must be 'process' or 'thread', got ${describe(runtime)}`);
  }
  return {
    runtime,
    workers: options.workers === undefined ? availableParallelism() : wholeNumber('workers', options.workers, 1),
    concurrency: wholeNumber('concurrency', options.concurrency ?? 1, 1),
    ordered: yesOrNo('ordered', options.ordered ?? true),
    chunksize:
      options.chunksize === undefined || options.chunksize === 'auto'
        ? undefined
        : wholeNumber('chunksize', options.chunksize, 1),
    maxTasksPerChild:
      options.maxTasksPerChild === undefined
        ? undefined
        : wholeNumber('maxTasksPerChild', options.maxTasksPerChild, 1),
    retries: wholeNumber('retries', options.retries ?? 0, 0),
    timeoutMs: options.timeout === undefined ? undefined : milliseconds('timeout', options.timeout),
    memoryLimitMb:
      typeof options.memoryLimit === 'string'
        ? parseSizeMb('memoryLimit', options.memoryLimit)
        : options.memoryLimit === undefined ? undefined : wholeNumber('memoryLimit', options.memoryLimit, 16),
    halt: options.halt === undefined ? undefined : parseHalt(text('halt', options.halt), 'halt'),
    ...normalizeLimits(options),
  };
}
