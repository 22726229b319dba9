/**
 * Inputs given on the command line as GNU parallel gives them: `::: a b c` is a source of
 * the values that follow; `:::: FILE...` makes each FILE a source of its lines (`-` is stdin).
 */

const VALUES_MARKER = ':::';
const FILES_MARKER = '::::';
/** GNU parallel's `:::+` and `::::+`: the source is linked to the one before it (zipped, not combined). */
const LINKED_SUFFIX = '+';

/**
 * One input source given after a marker. `linked`: given after `:::+` or `::::+`, its values
 * pair with those of the source before it, as GNU parallel's, rather than combining.
 */
export type ArgSource = ({ values: string[] } | { file: string }) & { linked?: true };

/** The markers, as --arg-sep and --arg-file-sep may respell them. */
export interface ArgMarkers {
  values: string;
  files: string;
}

export interface ArgGroups {
  /** Everything before the first marker (the command and its words). */
  positional: string[];
  /** In order; a `:::` followed by nothing gives a source of no values. */
  sources: ArgSource[];
}

/**
 * Split an argv (already past the subcommand) at each `:::` and `::::` (`:::+` and `::::+`
 * link their source to the one before, as in GNU parallel). A word right after one of
 * `takeValue` (options whose value may be a marker) is never a marker.
 */
export function splitArgGroups(argv: readonly string[], markers: ArgMarkers = { values: VALUES_MARKER, files: FILES_MARKER }, takeValue: ReadonlySet<string> = new Set(), takeValueBefore = Number.POSITIVE_INFINITY): ArgGroups {
  const positional: string[] = [];
  const sources: ArgSource[] = [];
  let values: string[] | undefined;
  let files: 'no' | 'plain' | 'linked' = 'no';
  for (const [i, word] of argv.entries()) {
    // a marker right after one of `takeValue`, before any source, is that option's value; only
    // among the options (`takeValueBefore`): `echo --arg-sep ::: a` is a command's word, then
    // the marker (was: ::: swallowed, stdin read instead, in silence)
    if (files === 'no' && values === undefined && i > 0 && i - 1 < takeValueBefore && takeValue.has(argv[i - 1]!)) positional.push(word);
    // the files' marker first: respelled as the values' (`--arg-file-sep :::`), it wins, as in GNU parallel
    else if (word === markers.files || word === markers.files + LINKED_SUFFIX) {
      values = undefined;
      files = word === markers.files ? 'plain' : 'linked';
    } else if (word === markers.values || word === markers.values + LINKED_SUFFIX) {
      values = [];
      files = 'no';
      sources.push(word === markers.values ? { values } : { values, linked: true });
    } else if (files !== 'no') {
      // `::::+ a b`: each file links to the source before it, as GNU parallel reads it
      sources.push(files === 'linked' ? { file: word, linked: true } : { file: word });
    } else (values ?? positional).push(word);
  }
  return { positional, sources };
}

/** Whether a word starts a source: one of the four markers, as GNU parallel spells them. */
export function isMarker(word: string, markers: ArgMarkers = { values: VALUES_MARKER, files: FILES_MARKER }): boolean {
  return word === markers.values || word === markers.files || word === markers.values + LINKED_SUFFIX || word === markers.files + LINKED_SUFFIX;
}

/**
 * Several sources as GNU parallel takes them: an empty one (`::: a :::`, an empty file) counts
 * as one empty value, so that the others still run (`a` and ''); only when every source is
 * empty is there nothing to run.
 */
export function blankEmptyGroups<T>(groups: readonly (readonly T[])[], blank: T): (readonly T[])[] {
  if (groups.every((group) => group.length === 0)) return [];
  return groups.map((group) => (group.length === 0 ? [blank] : group));
}

/** How many combinations sources of these sizes make, by the rule of `blankEmptyGroups`. */
export function combinationCount(sizes: readonly number[]): number {
  if (sizes.every((size) => size === 0)) return 0;
  return sizes.reduce((product, size) => product * Math.max(size, 1), 1);
}

/**
 * Every combination taking one value from each group, in GNU parallel's
 * order: the first group varies slowest (`::: a b ::: 1 2` gives a1 a2 b1 b2).
 * Lazy, because the product of a few large groups is too big to hold; each
 * combination is a fresh array the caller may keep.
 * No groups, or any empty group, gives nothing.
 */
export function* combinations<T>(groups: readonly (readonly T[])[]): Generator<T[]> {
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
