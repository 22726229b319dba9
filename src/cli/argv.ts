import { splitArgGroups } from '../io/arg-groups.js';

/** Flags whose value is optional: `--procs` alone means "as many as the machine has". */
const OPTIONAL_COUNT_FLAGS = new Set(['--procs', '--threads']);

export interface SplitArgv {
  /** What commander parses. */
  argv: string[];
  /** The `:::` groups, when any were given. */
  groups: string[][] | undefined;
}

/**
 * Prepares argv for commander: takes off the `:::` groups, and keeps `--threads FILE` from
 * reading FILE as the thread count (commander would take any next word as the value).
 */
export function prepareArgv(argv: readonly string[]): SplitArgv {
  const { positional, groups } = splitArgGroups(argv);
  const prepared = positional.map((word, i) => {
    const next = positional[i + 1];
    return OPTIONAL_COUNT_FLAGS.has(word) && (next === undefined || !/^\d+$/.test(next)) ? `${word}=` : word;
  });
  return { argv: prepared, groups: groups.length > 0 ? groups : undefined };
}
