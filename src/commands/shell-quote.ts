/**
 * Quoting for POSIX sh, so that one input becomes exactly one literal word: no expansion
 * ($, `, *, ~), no word splitting, no command separators. Written as GNU parallel writes it
 * (shell_quote_scalar_default), so that --dry-run, -v and a command matched against GNU
 * parallel's joblog read the same: only `-_.+/`, letters and digits stay bare (an `=` is
 * quoted too, so `{} make` never reads the input `PATH=/tmp/x` as an assignment); the rest
 * is single-quoted, a `'` written `'"'"'`, and the empty `''` at either end left out.
 */
const SAFE_WORD = /^[-_.+a-zA-Z0-9/]+$/;

/** Quote `value` for /bin/sh; safe strings stay bare, the rest are single-quoted. */
export function shellQuote(value: string): string {
  if (value === '') return "''";
  if (SAFE_WORD.test(value)) return value;
  // inside single quotes nothing is special but `'` itself, which cannot be escaped there:
  // close the quote, add a double-quoted `'`, reopen
  const quoted = `'${value.replaceAll("'", `'"'"'`)}'`;
  return quoted.replace(/^''/, '').replace(/''$/, '');
}
