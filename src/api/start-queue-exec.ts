import { tagTemplate } from './tag-template.js';
import { randomBytes } from 'node:crypto';
import { limitOptionsOf } from './limit-options.js';
import { normalizeOptions } from './options.js';
import type { RunningExec, StartExecOptions } from './start-exec.js';
import { usageError } from '../errors.js';
import { runPipeline } from '../engine/pipeline.js';
import { pipelineFor } from './pipeline-setup.js';
import { controlsOf } from './running.js';
import { ProgressTracker } from '../progress/tracker.js';
import type { ProducerQueue } from '../queue/bullmq.js';
import { QueueExecutor } from '../queue/queue-executor.js';
import { RunPool } from '../queue/run-pool.js';
import { sign } from '../queue/sign.js';
import { type RunSpec, WIRE } from '../queue/wire.js';

/** Sizes batches for a handful of remote workers (see start-queue-run.ts). */
const ASSUMED_WORKERS = 8;

/**
 * Shell commands through the queue: the command template travels signed in the run's spec,
 * and each `prun worker` runs it in shell lanes of its own, as `prun exec` does locally.
 */
export function startExecQueueRun(options: StartExecOptions & { queue: ProducerQueue; secret: string | undefined; local: boolean }): RunningExec {
  if (typeof options.command !== 'string' || options.command.trim() === '') {
    throw usageError(`command must be a shell command line, got ${JSON.stringify(options.command)}`);
  }
  if (options.dryRun) throw usageError('--dry-run runs nothing: it needs no --queue');
  // --pipe's blocks are files in a folder of this machine, which no other machine can read
  // (was: each job got the block's name as an argument and an empty stdin, and exit 0)
  if (options.stdinFrom !== undefined) throw usageError('--pipe does not go with --queue: its blocks are files on this machine');
  const normalized = normalizeOptions({ workers: options.workers, ordered: options.ordered, chunksize: options.chunksize, retries: options.retries, timeout: options.timeout, halt: options.halt, ...limitOptionsOf(options) });
  const run = randomBytes(8).toString('hex');
  const unsigned: RunSpec = {
    wire: WIRE,
    kind: 'exec',
    bundle: '',
    command: options.command,
    tag: tagTemplate(options),
    retries: normalized.retries,
    template: options.template,
    shownCommand: options.shownCommand,
    showCommands: options.showCommands,
    workdir: options.workdir,
    delayMs: options.delayMs,
    format: 'text',
    timeoutMs: normalized.timeoutMs,
    timings: options.journal === true,
    ...(normalized.halt ? { halting: true } : {}),
  };
  const signed = sign(unsigned, options.secret);
  const spec = options.queue.publish(run, signed, undefined).then(() => signed);
  const tracker = new ProgressTracker();
  // the producer's own shell lanes (-j N given) run the command as a worker's do
  const local = options.local
    ? import('../queue/executors.js').then(async ({ shellLanes }) => new RunPool(await shellLanes(signed, { runtime: 'process', workers: normalized.workers, concurrency: 1, memoryLimitMb: undefined }), { ahead: !normalized.halt }))
    : undefined;
  const executor = new QueueExecutor({ queue: options.queue, run, spec, local, onWorkers: (count) => (tracker.workers = count), onServed: () => (tracker.served = true), notice: options.notice });
  const pipeline = runPipeline(
    pipelineFor(normalized, { source: options.source, executor, skip: options.skip, journal: options.journal === true, tracker, naming: 'bytes' }, ASSUMED_WORKERS),
  );
  return { deliveries: pipeline.deliveries, encoding: 'latin1', tracker, ready: executor.ready, allReady: executor.ready, ...controlsOf(pipeline) };
}
