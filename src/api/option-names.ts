import { usageError } from '../errors.js';
import type { LimitOptions } from './limit-options.js';

/** The options every way of running takes to limit when inputs start (LimitOptions). */
export const LIMIT_OPTION_NAMES = [
  'key', 'keyConcurrency', 'keyRate', 'rate', 'maxRetryAfter', 'maxThrottle', 'retryDelay', 'retryDelayMax', 'memFree', 'load',
] as const satisfies readonly (keyof LimitOptions)[];

/**
 * True when `Listed` names every key of `Options`: a list of option names declared as
 * `AllListed<Options, typeof LIST[number]> = true` fails to compile once the type grows an
 * option the list lacks.
 */
export type AllListed<Options, Listed> = Exclude<keyof Options, Listed> extends never ? true : never;

/**
 * Refuses an option the function does not take, a typo above all: `{ wrokers: 2 }` ran with
 * the defaults in silence (a reviewer). An option given as undefined is taken as absent.
 */
export function checkOptionNames(options: object, known: readonly string[]): void {
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined || known.includes(name)) continue;
    throw usageError(`unknown option ${JSON.stringify(name)}; the options are ${known.join(', ')}`);
  }
}
