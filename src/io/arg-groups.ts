/**
 * Inputs given on the command line as GNU parallel's `::: a b c` groups.
 */

const GROUP_MARKER = ':::';

export interface ArgGroups {
  /** Everything before the first `:::` (the command and its words). */
  positional: string[];
  /** One entry per `:::`; a `:::` followed by nothing gives an empty group. */
  groups: string[][];
}

/** Split an argv (already past the subcommand) at each `:::`. */
export function splitArgGroups(argv: readonly string[]): ArgGroups {
  const positional: string[] = [];
  const groups: string[][] = [];
  let current = positional;
  for (const word of argv) {
    if (word === GROUP_MARKER) {
      current = [];
      groups.push(current);
    } else {
      current.push(word);
    }
  }
  return { positional, groups };
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
