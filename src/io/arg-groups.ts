/**
 * Inputs given on the command line as GNU parallel gives them: `::: a b c` is a source of
 * the values that follow; `:::: FILE...` makes each FILE a source of its lines (`-` is stdin).
 */

const VALUES_MARKER = ':::';
const FILES_MARKER = '::::';

/** One input source given after a marker. */
export type ArgSource = { values: string[] } | { file: string };

export interface ArgGroups {
  /** Everything before the first marker (the command and its words). */
  positional: string[];
  /** In order; a `:::` followed by nothing gives a source of no values. */
  sources: ArgSource[];
}

/** Split an argv (already past the subcommand) at each `:::` and `::::`. */
export function splitArgGroups(argv: readonly string[]): ArgGroups {
  const positional: string[] = [];
  const sources: ArgSource[] = [];
  let values: string[] | undefined;
  let files = false;
  for (const word of argv) {
    if (word === VALUES_MARKER) {
      values = [];
      files = false;
      sources.push({ values });
    } else if (word === FILES_MARKER) {
      values = undefined;
      files = true;
    } else if (files) sources.push({ file: word });
    else (values ?? positional).push(word);
  }
  return { positional, sources };
}

/**
 * Every combination taking one value from each group, in GNU parallel's
 * order: the first group varies slowest (`::: a b ::: 1 2` gives a1 a2 b1 b2).
 * Lazy, because the product of a few large groups is too big to hold; each
 * combination is a fresh array the caller may keep.
 * No groups, or any empty group, gives nothing.
 */
export function* combinations(groups: readonly (readonly string[])[]): Generator<string[]> {
  if (groups.length === 0 || groups.some((group) => group.length === 0)) return;
  // An odometer: indexes[i] points into groups[i]; the last wheel turns fastest.
  const indexes = new Array<number>(groups.length).fill(0);
  for (;;) {
    yield groups.map((group, i) => group[indexes[i]!]!);
    let wheel = groups.length - 1;
    for (; wheel >= 0; wheel--) {
      const next = indexes[wheel]! + 1;
      if (next < groups[wheel]!.length) {
        indexes[wheel] = next;
        break;
      }
      indexes[wheel] = 0; // carry into the next slower wheel
    }
    if (wheel < 0) return; // every wheel wrapped: all combinations seen
  }
}
