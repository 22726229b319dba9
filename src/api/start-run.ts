import type { Delivery } from '../model/delivery.js';
import { runPipeline } from '../engine/pipeline.js';
import { localPool } from './local-pool.js';
import { pipelineFor } from './pipeline-setup.js';
import type { InputSource } from '../io/input-source.js';
import { doneCount, ProgressTracker } from '../progress/tracker.js';
import type { ResultFormat } from '../runtime/protocol.js';
import { compileScript } from '../script/compile-script.js';
import { type NormalizedOptions, normalizeOptions, type RunOptions } from './options.js';
import { type JournalHooks, type NoticeHook, type RunningWork, controlsOf } from './running.js';

export interface StartRunOptions extends RunOptions, JournalHooks, NoticeHook {
  script: string;
  source: InputSource;
  format: ResultFormat;
}

/** A run of a script under way. */
export type RunningMap = RunningWork;

/**
 * The engine's entry for a script: compiles it once while the workers start, then streams
 * inputs through the pool. The CLI and `map()` are both thin layers over this.
 */
export function startRun(options: StartRunOptions): RunningMap {
  const normalized = workersFor(normalizeOptions(options), options.source);
  const compiled = compileScript(options.script);
  const tracker = new ProgressTracker();
  // --resume: the workers are given the script once what the joblog leaves out is known
  let markLeadingSkipped: (() => void) | undefined;
  const leadingSkipped = options.skip && new Promise<void>((resolve) => (markLeadingSkipped = resolve));
  // read while the script compiles: a short input's end is known before the workers load it
  options.source.prefetch?.();
  const pool = localPool(normalized, {
    journal: options.journal === true,
    format: options.format,
    modulePath: compiled.then((script) => script.modulePath),
    scriptName: options.script,
    inputsLeft: () => toRun(tracker) ?? options.source.remaining(),
    leadingSkipped,
    notice: options.notice,
  });
  const pipeline = runPipeline(
    pipelineFor(normalized, { source: options.source, executor: pool, skip: options.skip, onLeadingSkipped: markLeadingSkipped, journal: options.journal === true, tracker }),
  );
  const deliveries = withCompiled(pipeline.deliveries, compiled, () => void pool.kill());
  const ready = Promise.race([pool.ready, compiled.then(() => pool.ready, () => {})]);
  const settingUp = pool.settingUp.then(() => `running setup() in ${pool.workers} worker${pool.workers === 1 ? '' : 's'}`);
  return { deliveries, encoding: 'utf8', tracker, ready, settingUp, allReady: pool.allReady, ...controlsOf(pipeline) };
}

/**
 * No more workers than inputs, when their number is known from the start (`::: a b`, a list):
 * each worker costs a start and a setup(). Was: `--procs 64 ::: a b` started 64 workers and
 * ran setup() 64 times, and --procs 100000 never got to its two inputs.
 */
function workersFor(normalized: NormalizedOptions, source: InputSource): NormalizedOptions {
  const known = source.remaining();
  return known === undefined || known >= normalized.workers ? normalized : { ...normalized, workers: Math.max(1, known) };
}

/**
 * Inputs not settled yet, once the end of the input is known: those a joblog shows finished
 * (--resume) need no worker (was: `--procs 8 --resume` with every input finished started 8
 * workers and ran setup() in each, for nothing).
 */
function toRun(tracker: ProgressTracker): number | undefined {
  return tracker.total === undefined ? undefined : tracker.total - doneCount(tracker) - tracker.notRun;
}

/**
 * The pipeline's deliveries, but a compile error ends them with that error first, and the
 * compiled module is removed when they end however they end.
 */
async function* withCompiled(
  deliveries: AsyncIterable<Delivery>,
  compiled: Promise<{ dispose(): Promise<void> }>,
  abort: () => void,
): AsyncGenerator<Delivery> {
  let script: { dispose(): Promise<void> } | undefined;
  try {
    script = await compiled;
  } catch (error) {
    abort();
    await deliveries[Symbol.asyncIterator]().return?.(); // lets the pipeline close its source
    throw error;
  }
  try {
    yield* deliveries;
  } finally {
    await script.dispose();
  }
}
