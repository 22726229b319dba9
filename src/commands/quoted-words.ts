/**
 * -q's command, as -X (and -N, -L) repeat its words: each word quoted by shellQuote, its
 * replacement strings left bare (cli/exec-argv.ts), so that a blank inside quotes is a word's
 * own, not one between words. GNU parallel repeats, in such a word, each space-delimited run
 * holding a `{}`-style string, the text before it going with the first value and the text
 * after it with the last, each a word of its own: `-X -q printf %s 'a b{} c' ::: 1 2 3` runs
 * `printf %s 'a b1' b2 'b3 c'`.
 */
import { shellQuote } from './shell-quote.js';

const BLANK = /[ \t\n]/;
const BARE = /\{[^{}]*\}/y;

/** Whether braces start at `index`: BARE.lastIndex is then where they end. */
function bareAt(text: string, index: number): boolean {
  BARE.lastIndex = index;
  return BARE.test(text);
}

/**
 * Splits at the blanks outside quotes, the blanks kept as parts of their own, as
 * `text.split(/([ \t\n]+)/)` splits a bare command (was: split inside quotes too, so that the
 * repeated half of `'see: '{}` opened a quote a value closed, and a value `$(touch pwned)`
 * ran: a review). Quotes count from `from` on: what is before it is prun's own wrapper.
 */
export function splitOutsideQuotes(text: string, from: number): string[] {
  const parts: string[] = [];
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (i >= from && char === '{' && bareAt(text, i)) {
      // a bare one is a replacement string: a quote in it (--plus's `{%'}`) is none of the shell's
      i = BARE.lastIndex - 1;
    } else if (i >= from && (char === "'" || char === '"')) quote = char;
    else if (BLANK.test(char)) {
      let end = i + 1;
      while (end < text.length && BLANK.test(text[end]!)) end++;
      parts.push(text.slice(start, i), text.slice(i, end));
      start = end;
      i = end - 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/**
 * A quoted word cut into its runs, as GNU parallel's context_replace cuts one: at its spaces,
 * which stand between runs, and before a tab, which begins a run (a newline cuts nothing).
 * Each part is quoted again: each run holding a `{}`-style string is repeated for each value,
 * the spaces and the other runs written once, so that the text before a run goes with its
 * first value and the text after it with its last (`'pre {} mid {} post'` of a b is `'pre a'
 * 'b mid a' 'b post'`; `'a<TAB>{}'` is `'a<TAB>a' '<TAB>b'`). Undefined when the word is one run.
 */
export function runsOf(word: string): string[] | undefined {
  const groups: Unit[][] = [];
  let lastSpace: boolean | undefined;
  for (const unit of unquoted(word)) {
    const space = 'char' in unit && unit.char === ' ';
    const tab = 'char' in unit && unit.char === '\t';
    if (space === lastSpace && !tab) groups.at(-1)!.push(unit);
    else groups.push([unit]);
    lastSpace = space;
  }
  return groups.length <= 1 ? undefined : groups.map(quoted);
}

type Unit = { char: string } | { replacement: string };

/** The word as the shell reads it: its characters, and its bare `{...}` as replacement strings. */
function unquoted(word: string): Unit[] {
  const units: Unit[] = [];
  for (let i = 0; i < word.length; i++) {
    const char = word[i]!;
    if (char === "'" || char === '"') {
      const close = word.indexOf(char, i + 1);
      const end = close < 0 ? word.length : close;
      for (const inner of word.slice(i + 1, end)) units.push({ char: inner });
      i = end;
    } else if (char === '{' && bareAt(word, i)) {
      units.push({ replacement: word.slice(i, BARE.lastIndex) });
      i = BARE.lastIndex - 1;
    } else units.push({ char });
  }
  return units;
}

/** Units quoted again: the characters by shellQuote, the replacement strings bare. */
function quoted(units: readonly Unit[]): string {
  let out = '';
  let literal = '';
  for (const unit of units) {
    if ('char' in unit) literal += unit.char;
    else {
      out += (literal === '' ? '' : shellQuote(literal)) + unit.replacement;
      literal = '';
    }
  }
  return out + (literal === '' ? '' : shellQuote(literal));
}
