import { itemSource } from '../io/item-source.js';
import { fromErrorData } from '../runtime/error-data.js';
import { normalizeOptions, type RunOptions } from './options.js';
import { startRun } from './start-run.js';

/** One input's end: its result, or the error of its last try. */
export type Outcome<Result = unknown> =
  | { index: number; input: string; ok: true; result: Result }
  | { index: number; input: string; ok: false; error: Error; attempts: number };

/**
 * Runs the default export of `script` on every input in a pool of workers, and yields each
 * input's outcome: in input order, or as they complete with `ordered: false`. Inputs are
 * pulled lazily, so an endless iterable is fine. A failed input is an outcome, not a throw;
 * the iterable throws only when the run cannot go on (the script does not load, setup fails,
 * workers keep dying at start), after the outcomes of the inputs that did run.
 */
export function map<Result = unknown>(
  inputs: Iterable<unknown> | AsyncIterable<unknown>,
  script: string,
  options: RunOptions = {},
): AsyncGenerator<Outcome<Result>> {
  // bad options throw here, at the call, not at the first pull
  normalizeOptions(options);
  return outcomes<Result>(inputs, script, options);
}

async function* outcomes<Result>(
  inputs: Iterable<unknown> | AsyncIterable<unknown>,
  script: string,
  options: RunOptions,
): AsyncGenerator<Outcome<Result>> {
  const run = startRun({ ...options, script, source: itemSource(inputs), format: 'values' });
  for await (const delivery of run.deliveries) {
    if (delivery.type === 'failure') {
      const { index, input, attempts, error } = delivery.failure;
      yield { index, input, ok: false, error: fromErrorData(error), attempts };
    } else if (delivery.type === 'values') {
      for (let i = 0; i < delivery.count; i++) {
        const input = delivery.inputs?.[i] ?? '';
        yield { index: delivery.first + i, input, ok: true, result: delivery.values[i] as Result };
      }
    }
  }
  // after the outcomes of what did run: inputs that never ran have none
  const fatal = run.fatalError();
  if (fatal) throw fatal;
}
