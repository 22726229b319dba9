import { itemSource } from '../io/item-source.js';
import { fromErrorData } from '../runtime/error-data.js';
import type { TaskError } from '../model/failure.js';
import { checkInputs, scriptPath } from './arguments.js';
import { haltedError } from './halted.js';
import { InputLedger } from './input-ledger.js';
import { normalizeOptions, type RunOptions } from './options.js';
import { type AllListed, checkOptionNames, LIMIT_OPTION_NAMES } from './option-names.js';
import { checkSendable, unsendableAsUsage } from './sendable.js';
import { thrownValue } from '../engine/stopping.js';
import { startRun } from './start-run.js';
import { type AbortOption, checkSignal, untilAborted } from './abort-option.js';

/** The options of map(): those of a run, and a signal to cancel it. */
export interface MapOptions extends RunOptions, AbortOption {}

const MAP_OPTIONS = ['runtime', 'workers', 'concurrency', 'ordered', 'chunksize', 'maxTasksPerChild', 'retries', 'timeout', 'memoryLimit', 'halt', ...LIMIT_OPTION_NAMES, 'signal'] as const;
const everyMapOption: AllListed<MapOptions, (typeof MAP_OPTIONS)[number]> = true;
void everyMapOption;

/** One input's end: its result, or the error of its last try. `input` is the value given. */
export type Outcome<Result = unknown, Input = unknown> =
  | { index: number; input: Input; ok: true; result: Result }
  | { index: number; input: Input; ok: false; error: TaskError; attempts: number };

/**
 * Runs the default export of `script` on every input in a pool of workers, and yields each
 * input's outcome: in input order, or as they complete with `ordered: false`. Inputs are any
 * values structured clone carries, given to the function as they are, and pulled lazily, so
 * an endless iterable is fine. `script` is a path, a `file:` URL or a URL. A failed input is
 * an outcome, not a throw; the iterable throws only when the run cannot go on (the script
 * does not load, setup fails, workers keep dying at start), after the outcomes of the inputs
 * that did run, or when `inputs` throws, after the outcomes of every input it gave before.
 * A bad argument throws a PrunError (ERR_USAGE) at the call. An aborted `signal` stops the
 * run at once, and the iterable throws its reason.
 */
export function map<Result = unknown, Input = unknown>(
  inputs: Iterable<Input> | AsyncIterable<Input>,
  script: string | URL,
  options: MapOptions = {},
): AsyncGenerator<Outcome<Result, Input>> {
  // bad arguments throw here, at the call, not at the first pull
  checkInputs(inputs);
  const path = scriptPath(script);
  normalizeOptions(options);
  checkOptionNames(options, MAP_OPTIONS);
  checkSignal(options.signal);
  return outcomes<Result, Input>(inputs, path, options);
}

async function* outcomes<Result, Input>(
  inputs: Iterable<Input> | AsyncIterable<Input>,
  script: string,
  { signal, ...options }: MapOptions,
): AsyncGenerator<Outcome<Result, Input>> {
  // aborted before the first pull: nothing starts
  signal?.throwIfAborted();
  const ledger = new InputLedger();
  const run = startRun({ ...options, script, source: ledger.watch(itemSource(inputs, undefined, checkSendable)), format: 'values' });
  try {
    for await (const delivery of untilAborted(run.deliveries, run, signal)) {
      if (delivery.type === 'failure') {
        const { index, attempts, error } = delivery.failure;
        yield { index, input: ledger.take(index) as Input, ok: false, error: fromErrorData(error), attempts };
      } else if (delivery.type === 'values') {
        // an abort drops the rest of the batch too (was: hundreds of outcomes after it: a review)
        for (let i = 0; i < delivery.count && !signal?.aborted; i++) {
          const index = delivery.first + i;
          yield { index, input: ledger.take(index) as Input, ok: true, result: delivery.values[i] as Result };
        }
      } else {
        ledger.forget(delivery);
      }
    }
  } catch (error) {
    // a batch held ahead that cannot be sent (--concurrency above 1) ends the run at once:
    // checkSendable finds such inputs first, unless serialization differs from a clone
    throw error instanceof Error ? unsendableAsUsage(error) : error;
  }
  // after the outcomes of what did run: inputs that never ran have none
  const fatal = run.fatalError();
  if (fatal) throw thrownValue(unsendableAsUsage(fatal));
  const halted = haltedError(run.tracker, options.halt);
  if (halted) throw halted;
}
