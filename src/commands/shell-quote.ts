/**
 * Quoting for POSIX sh, so that one input becomes exactly one literal word:
 * no expansion ($, `, *, ~), no word splitting, no command separators.
 */

// Characters that have no meaning to sh anywhere in a word. `~` is absent
// (tilde expansion at the start of a word), and so is everything non-ASCII,
// which costs a pair of quotes but never a surprise.
const SAFE_WORD = /^[A-Za-z0-9_\-./:=@%+,]+$/;

// `NAME=value` left bare in command position is a variable assignment, not a
// command: with the template `{} make`, the input `PATH=/tmp/x` would change
// which `make` runs. Quoting it makes sh see a command name instead.
const ASSIGNMENT_WORD = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Quote `value` for /bin/sh; safe strings stay bare, the rest are single-quoted. */
export function shellQuote(value: string): string {
  if (SAFE_WORD.test(value) && !ASSIGNMENT_WORD.test(value)) return value;
  // Inside single quotes nothing is special except `'` itself, which cannot
  // be escaped there: close the quote, add an escaped `'`, reopen.
  return `'${value.replaceAll("'", "'\\''")}'`;
}
