import { type ArgSource, splitArgGroups } from '../io/arg-groups.js';

/** Flags whose value is optional: `--procs` alone means "as many as the machine has". */
const OPTIONAL_COUNT_FLAGS = new Set(['--procs', '--threads']);

export interface SplitArgv {
  /** What commander parses. */
  argv: string[];
  /** The sources given after `:::` and `::::`, in order. */
  sources: ArgSource[];
}

/**
 * Prepares argv for commander: takes off the `:::` and `::::` sources, and keeps `--threads FILE` from
 * reading FILE as the thread count (commander would take any next word as the value).
 */
export function prepareArgv(argv: readonly string[]): SplitArgv {
  const { positional, sources } = splitArgGroups(argv);
  const prepared = positional.map((word, i) => {
    const next = positional[i + 1];
    return OPTIONAL_COUNT_FLAGS.has(word) && (next === undefined || !/^\d+$/.test(next)) ? `${word}=` : word;
  });
  return { argv: prepared, sources };
}
