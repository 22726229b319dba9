import { createHash, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { StartRunOptions, RunningMap } from './start-run.js';
import { normalizeOptions } from './options.js';
import type { Delivery } from '../model/delivery.js';
import { runPipeline } from '../engine/pipeline.js';
import { localPool } from './local-pool.js';
import { pipelineFor } from './pipeline-setup.js';
import { controlsOf } from './running.js';
import { ProgressTracker } from '../progress/tracker.js';
import { checkDefaultExport, checkScriptFile, compileScript } from '../script/compile-script.js';
import { ProducerQueue } from '../queue/bullmq.js';
import { QueueExecutor } from '../queue/queue-executor.js';
import { RunPool } from '../queue/run-pool.js';
import { sign } from '../queue/sign.js';
import { type RunSpec, WIRE } from '../queue/wire.js';

export interface QueueRunOptions extends StartRunOptions {
  /** redis://..., already checked and reached (see connectProducer). */
  queue: ProducerQueue;
  secret: string | undefined;
  /** Run a local pool beside the queue (`--procs N`/`--threads N` given): workers as `workers` says. */
  local: boolean;
}

/**
 * How many workers the pipeline assumes when it sizes batches: the queue's workers are not
 * known in advance, and batches sized for a handful keep every one of them busy.
 */
const ASSUMED_WORKERS = 8;

/**
 * A script's run through the queue: checked and compiled once here (its errors are the same
 * as a local run's, but for packages, which resolve on each worker), its bundle put on Redis under its
 * hash, and batches run by `prun worker`s wherever they are. The same pipeline as a local
 * run, so order, --json, failures, retries and the joblog are the same.
 */
export function startQueueRun(options: QueueRunOptions): RunningMap {
  const normalized = normalizeOptions(options);
  const run = randomBytes(8).toString('hex');
  // compiled here, its packages resolved here, only for the producer's own workers: the
  // queue's resolve them where they run (was: a package missing here failed the run, though
  // every worker had it)
  const compiled = options.local ? compileScript(options.script) : checkScriptFile(options.script).then(() => ({ modulePath: '', exports: [], dispose: async () => {} }));
  const spec = compiled.then(async (): Promise<RunSpec> => {
    // compiled with its packages left as imports: they resolve on each worker
    const { bundleScript } = await import('../script/bundle.js');
    const { code, exports } = await bundleScript(resolve(options.script), options.script, { bareImports: true });
    checkDefaultExport(options.script, exports);
    const hash = createHash('sha256').update(code).digest('hex');
    const unsigned: RunSpec = { wire: WIRE, kind: 'map', bundle: hash, scriptName: options.script, format: options.format, timeoutMs: normalized.timeoutMs, timings: options.journal === true, ...(normalized.halt ? { halting: true } : {}) };
    const signed = sign(unsigned, options.secret);
    await options.queue.publish(run, signed, code);
    return signed;
  });
  const tracker = new ProgressTracker();
  // the producer's own workers run the script as a local run does, its packages from here
  const local = options.local
    ? new RunPool(localPool(normalized, { journal: options.journal === true, format: options.format, modulePath: compiled.then((script) => script.modulePath), scriptName: options.script, notice: options.notice }), { ahead: !normalized.halt })
    : undefined;
  const executor = new QueueExecutor({ queue: options.queue, run, spec, local: local && Promise.resolve(local), onWorkers: (count) => (tracker.workers = count), onServed: () => (tracker.served = true), notice: options.notice });
  const pipeline = runPipeline(
    pipelineFor(normalized, { source: options.source, executor, skip: options.skip, journal: options.journal === true, tracker }, ASSUMED_WORKERS),
  );
  const deliveries = withSpec(pipeline.deliveries, compiled, spec, () => void executor.kill());
  return { deliveries, encoding: 'utf8', tracker, ready: executor.ready, allReady: executor.ready, ...controlsOf(pipeline) };
}

/** The deliveries, but a compile error (or a Redis that refused the bundle) ends them with that error first. */
async function* withSpec(
  deliveries: AsyncIterable<Delivery>,
  compiled: Promise<{ dispose(): Promise<void> }>,
  spec: Promise<RunSpec>,
  abort: () => void,
): AsyncGenerator<Delivery> {
  let script: { dispose(): Promise<void> } | undefined;
  try {
    script = await compiled;
    await spec;
  } catch (error) {
    abort();
    await deliveries[Symbol.asyncIterator]().return?.();
    await script?.dispose();
    throw error;
  }
  try {
    yield* deliveries;
  } finally {
    await script.dispose();
  }
}
