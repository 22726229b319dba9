import { usageError } from '../errors.js';
import { withArgumentBytes } from '../model/byte-string.js';
import { rawEnvironment } from './raw-argv.js';

/** What splits words: Perl's \s on bytes, not JavaScript's, which takes a no-break space for a blank too. */
const PERL_BLANKS = ' \t\n\v\f\r';

/**
 * GNU parallel's $PARALLEL: default options, put before the command line's own. Read as GNU
 * parallel reads it, with Perl's Text::ParseWords::shellwords: words split at blanks; a blank
 * in "double" or 'single' quotes, or after a backslash, is part of its word; quotes are
 * dropped, and so is a backslash outside quotes or inside double quotes (not inside single
 * ones: `'a\b'` stays `a\b`; nor does `\'` end them); nothing is expanded (`"$HOME"` is
 * `$HOME`). (Was: split at blanks only, so `--tagstring "x y"` gave the words `"x` and
 * `y"`: a review.) A quote never closed, or a backslash that ends it, is refused: GNU parallel
 * drops every default then, in silence.
 */
export function parallelEnvWords(value: string | undefined): string[] {
  if (value === undefined) return [];
  const words: string[] = [];
  let word: string | undefined;
  for (let at = 0; at < value.length; ) {
    const char = value[at]!;
    if (PERL_BLANKS.includes(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
      at++;
    } else if (char === '"' || char === "'") {
      const end = closingQuote(value, at);
      const quoted = value.slice(at + 1, end);
      word = (word ?? '') + (char === '"' ? quoted.replace(/\\([\s\S])/g, '$1') : quoted);
      at = end + 1;
    } else if (char === '\\') {
      if (at + 1 === value.length) throw usageError(`$PARALLEL ends in a backslash that escapes nothing: ${value}`);
      word = (word ?? '') + value[at + 1];
      at += 2;
    } else {
      word = (word ?? '') + char;
      at++;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Where the quote opened at `open` closes; a backslash takes the character after it along, as Perl's pattern does. */
function closingQuote(value: string, open: number): number {
  const quote = value[open];
  for (let at = open + 1; at < value.length; at++) {
    if (value[at] === '\\') at++;
    else if (value[at] === quote) return at;
  }
  throw usageError(`$PARALLEL has a ${quote} that is not closed: ${value}`);
}

/**
 * $PARALLEL, with its bytes that are not UTF-8 kept as main() keeps the arguments' (was: each
 * such byte became U+FFFD, `--tagstring a\xffb` tagging with other bytes than GNU parallel's:
 * a review). The environment as prun was started with it, where /proc holds it.
 */
export function parallelDefaults(): string | undefined {
  const value = process.env.PARALLEL;
  if (value === undefined || !value.includes('\uFFFD')) return value;
  const raw = rawEnvironment('PARALLEL');
  return raw === undefined ? value : withArgumentBytes([value], [raw])[0];
}
