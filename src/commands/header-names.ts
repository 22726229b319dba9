/**
 * --header's names in a template, as GNU parallel reads them: `{NAME}`, `{NAME/}`, `{NAME//}`,
 * `{NAME.}` and `{NAME/.}` are the positional `{n}`, `{n/}`, ... of the column NAME names. Its
 * names are the header's columns (ids 1, 2, ... across the sources), then the paths of the file
 * sources as typed (`::::` FILE, -a FILE: the k-th file is `{k}`, k counting files only, `:::`
 * sources skipped, even when they come first), GNU's "{foo/bar} for the file foo/bar".
 *
 * GNU parallel rewrites the text once for each name in that order (its set_input_source_header,
 * `s:\{$s(|/|//|\.|/\.)\}:\{$id$1\}:g`), so the first name that matches wins, and what it
 * became is matched again by the names after it: with the columns `2 3 1`, `{2}` is `{1}`, then
 * `{3}`. Here each brace is looked up in a Map rather than tried against every name (a header
 * may have 200,000 columns). Names are matched as text, where GNU parallel's are regular
 * expressions (a name `a.b` matches `{aXb}` there, one holding `(` stops it).
 */

/** The forms a name takes, as GNU parallel's pattern lists them. */
const SUFFIXES = ['', '/', '//', '.', '/.'] as const;

/** The names in GNU parallel's order: for each, where it comes in that order. */
interface NameIndex {
  /** name -> the places it has in the order, ascending */
  places: Map<string, number[]>;
  /** place -> the id it stands for (`{id}`) */
  ids: number[];
}

/** The names of a run's --header, which a template (TemplateOptions) reads as replacement strings. */
export interface HeaderNames {
  /**
   * Column names, in order: `{name}` (and `{name/}`, `{name//}`, `{name.}`, `{name/.}`) is the
   * column's `{n}`-style string.
   */
  names?: readonly string[] | undefined;
  /** The paths of the file sources as typed, after `names`: `{path}` of the k-th file is `{k}`, k counting files only. */
  fileNames?: readonly string[] | undefined;
}

const NONE: readonly string[] = [];
// a template is compiled several times a run (the command, --tagstring, -X's words, -s's
// measure) and asked of each brace (-q): the index is built once for the arrays given
const indexes = new WeakMap<readonly string[], WeakMap<readonly string[], NameIndex>>();

/**
 * What braces holding `content` are once the names are replaced (`1/` for `name/`), or
 * undefined when no name matches it (the braces are then read as they are).
 */
export function renamed(content: string, header: HeaderNames): string | undefined {
  if (!header.names?.length && !header.fileNames?.length) return undefined;
  const { places, ids } = indexOf(header.names ?? NONE, header.fileNames ?? NONE);
  let text = content;
  let place = -1;
  for (;;) {
    let next = Number.POSITIVE_INFINITY;
    let form = '';
    for (const suffix of SUFFIXES) {
      if (!text.endsWith(suffix)) continue;
      const found = places.get(text.slice(0, text.length - suffix.length));
      const after = found === undefined ? undefined : firstAfter(found, place);
      if (after !== undefined && after < next) {
        next = after;
        form = suffix;
      }
    }
    if (next === Number.POSITIVE_INFINITY) return place < 0 ? undefined : text;
    place = next;
    text = `${ids[place]}${form}`;
  }
}

function indexOf(names: readonly string[], fileNames: readonly string[]): NameIndex {
  let byFiles = indexes.get(names);
  if (byFiles === undefined) indexes.set(names, (byFiles = new WeakMap()));
  let index = byFiles.get(fileNames);
  if (index === undefined) byFiles.set(fileNames, (index = built(names, fileNames)));
  return index;
}

function built(names: readonly string[], fileNames: readonly string[]): NameIndex {
  const places = new Map<string, number[]>();
  const ids: number[] = [];
  const add = (name: string, id: number) => {
    const list = places.get(name);
    if (list === undefined) places.set(name, [ids.length]);
    else list.push(ids.length);
    ids.push(id);
  };
  // not spread: a line of 200,000 names (exec-inputs.ts)
  for (let i = 0; i < names.length; i++) add(names[i]!, i + 1);
  for (let k = 0; k < fileNames.length; k++) add(fileNames[k]!, k + 1);
  return { places, ids };
}

/** The first of the ascending `places` past `place`. */
function firstAfter(places: readonly number[], place: number): number | undefined {
  let low = 0;
  let high = places.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (places[middle]! <= place) low = middle + 1;
    else high = middle;
  }
  return places[low];
}
