/**
 * How GNU parallel names and orders the levels of a --results DIR tree (its args_as_dirname and
 * header_indexes_sorted): the argument with id n (its place in the record) is the level
 * `NAME/VALUE`, NAME the header's name of column n, overridden for n <= k by the path of the
 * k-th file source as typed under any --header (its set_input_source_header), else n itself;
 * and a record's levels go sorted by their names, numerically first (Perl's `<=>`: a name's
 * leading number, 0 if none), then as bytes (`cmp`), so that `--header : ::: b 1 ::: a 2`
 * makes DIR/a/2/b/1. Without names they are 1, 2, ..., in their order already.
 */

import type { HeaderNames } from '../commands/header-names.js';

/**
 * The names a run has for its arguments' ids, as byte strings (byte-string.ts), as the template
 * has them: id n is the column's `names[n - 1]`, or the k-th file's `fileNames[k - 1]` over it.
 */
export type LevelNames = HeaderNames;

/** The name of the level of id `id` (1-based). */
export function levelName(id: number, { names, fileNames }: LevelNames): string {
  return fileNames?.[id - 1] ?? names?.[id - 1] ?? String(id);
}

/** The ids 1..`count` in the order GNU parallel lays a record's levels out. */
export function levelOrder(count: number, given: LevelNames): number[] {
  const ids = Array.from({ length: count }, (_, i) => i + 1);
  const names = ids.map((id) => levelName(id, given));
  const numbers = names.map(perlNumber);
  // stable, as Perl's mergesort is: equal names keep their order. A NaN compares as neither
  // less nor more, as Perl's `<=>` gives undef (0 to sort), and the names decide
  return ids.sort((a, b) => {
    const difference = numbers[a - 1]! - numbers[b - 1]!;
    if (difference < 0) return -1;
    if (difference > 0) return 1;
    const [x, y] = [names[a - 1]!, names[b - 1]!];
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

// Perl's number of a string: blanks, a sign, then Inf, NaN or a decimal number; what follows is
// ignored, and with no number it is 0 ('0x10' is 0, '1_0' is 1, 'Info' is Inf)
const PERL_NUMBER = /^[\t\n\v\f\r ]*([+-]?)(?:(inf)|(nan)|(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))/i;

/** A string as Perl's numeric operators read it. */
export function perlNumber(text: string): number {
  const match = PERL_NUMBER.exec(text);
  if (!match) return 0;
  const [, sign, inf, nan, digits] = match;
  if (nan !== undefined) return Number.NaN;
  const value = inf !== undefined ? Number.POSITIVE_INFINITY : Number(digits);
  return sign === '-' ? -value : value;
}
