/**
 * The part of Perl that GNU parallel's `--rpl` definitions are written in, as far as prun
 * runs it: substitutions `s/RE/REPLACEMENT/FLAGS` (any punctuation as the delimiter), one
 * after the other with `;`, and `A || B`, which tries B only when A did not match. That is
 * how GNU parallel defines its own strings (`{.}` is `s:\.[^/.]+$::`, `{+/}` is
 * `s:/[^/]*$:: || s:.*$::`) and how its documentation's examples define theirs. Any other
 * Perl (`$_ = seq() - 1`, function calls, the `e` flag) is refused with one line: run as
 * something else, it would be silent wrong output.
 */

import { byteRegExp } from '../model/byte-pattern.js';
import { perlPattern } from '../model/perl-pattern.js';

/** Changes one value as the Perl expression changes `$_`. */
export type Substitution = (value: string) => string;

/** A substitution that matched or not: `||` goes on to the next only when it did not. */
interface Step {
  apply(value: string): { value: string; matched: boolean };
}

const FLAGS = /^[gims]*$/;

/**
 * Compiles `expression`; throws an Error whose message says what is not supported, for the
 * caller to name the option it came from.
 */
export function compilePerlSubstitution(expression: string): Substitution {
  const chains = splitStatements(expression).map((statement) => statement.map(compileStep));
  return (value) => {
    let current = value;
    for (const chain of chains) {
      for (const step of chain) {
        const result = step.apply(current);
        current = result.value;
        if (result.matched) break;
      }
    }
    return current;
  };
}

/** One substitution as written: its whole text; its pattern and replacement, delimiters unescaped; its flags. */
interface Written {
  text: string;
  pattern: string;
  replacement: string;
  flags: string;
}

/** The statements (`;`) and, in each, the alternatives (`||`), outside the substitutions' own text. */
function splitStatements(expression: string): Written[][] {
  const statements: Written[][] = [];
  let alternatives: Written[] = [];
  let rest = expression;
  for (;;) {
    rest = rest.trimStart();
    if (rest === '') break;
    const written = readSubstitution(rest);
    alternatives.push(written);
    rest = rest.slice(written.text.length).trimStart();
    if (rest.startsWith('||')) {
      rest = rest.slice(2);
      continue;
    }
    statements.push(alternatives);
    alternatives = [];
    if (rest.startsWith(';')) rest = rest.slice(1);
    else if (rest !== '') throw new Error(`only s/RE/REPLACEMENT/ substitutions joined by ; and || are supported, not ${JSON.stringify(rest)}`);
  }
  if (alternatives.length > 0) throw new Error('|| with nothing after it');
  return statements;
}

/** The substitution at the start of `text`, through its flags. */
function readSubstitution(text: string): Written {
  const delimiter = text[1];
  if (text[0] !== 's' || delimiter === undefined || !/[!-/:-@[-`{-~]/.test(delimiter) || '{([<'.includes(delimiter)) {
    throw new Error(`only s/RE/REPLACEMENT/ substitutions joined by ; and || are supported, not ${JSON.stringify(text)}`);
  }
  const patternEnd = partEnd(text, 2, delimiter);
  const replacementEnd = patternEnd < 0 ? -1 : partEnd(text, patternEnd + 1, delimiter);
  if (replacementEnd < 0) throw new Error(`unterminated substitution ${JSON.stringify(text)}`);
  let end = replacementEnd + 1;
  while (end < text.length && /[a-z]/i.test(text[end]!)) end++;
  const unescape = (part: string) => part.replaceAll(`\\${delimiter}`, delimiter);
  return {
    text: text.slice(0, end),
    pattern: unescape(text.slice(2, patternEnd)),
    replacement: unescape(text.slice(patternEnd + 1, replacementEnd)),
    flags: text.slice(replacementEnd + 1, end),
  };
}

/** Where the part starting at `from` ends: its next delimiter not escaped by a backslash. */
function partEnd(text: string, from: number, delimiter: string): number {
  for (let at = from; at < text.length; at++) {
    if (text[at] === '\\') at++;
    else if (text[at] === delimiter) return at;
  }
  return -1;
}

function compileStep({ text, pattern, replacement, flags }: Written): Step {
  if (!FLAGS.test(flags)) throw new Error(`the flags ${JSON.stringify(flags)} of ${JSON.stringify(text)} are not supported (g, i, m and s are)`);
  // matched on byte strings, as Perl matches bytes: its \s is ASCII blanks only
  const regex = byteRegExp(perlPattern(pattern, { dotAll: flags.includes('s'), multiline: flags.includes('m') }), jsFlags(flags));
  const replace = perlReplacement(replacement, text);
  return {
    apply(value) {
      let matched = false;
      const changed = value.replace(regex, (...match) => {
        matched = true;
        // the groups, before the offset (the first number among the arguments)
        return replace(match.slice(0, match.findIndex((part) => typeof part === 'number')) as string[]);
      });
      return { value: changed, matched };
    },
  };
}

function jsFlags(perl: string): string {
  // m and s are written into the pattern (perlPattern)
  return `${perl.includes('g') ? 'g' : ''}${perl.includes('i') ? 'i' : ''}`;
}

/** A piece of a replacement: text, a group of the match, or a change of case (`\u`, `\U`...). */
type Piece = { text: string } | { group: number } | { caseChange: 'u' | 'l' | 'U' | 'L' | 'E' };

/**
 * A Perl replacement (a double-quoted string) as a function of the match: `$1`, `${1}`, `$&`,
 * `\1`; `\u` `\l` (the next character's case) and `\U` `\L` through `\E`; "\n", "\t" and a
 * backslash before any other character as Perl reads them. Any other `$` is a Perl variable,
 * which prun does not have.
 */
function perlReplacement(source: string, whole: string): (match: string[]) => string {
  const pieces: Piece[] = [];
  for (let at = 0; at < source.length; at++) {
    const char = source[at]!;
    if (char === '\\') {
      const next = source[++at] ?? '';
      if (/[1-9]/.test(next)) pieces.push({ group: Number(next) });
      else if (/[ulULE]/.test(next)) pieces.push({ caseChange: next as 'u' | 'l' | 'U' | 'L' | 'E' });
      else pieces.push({ text: next === 'n' ? '\n' : next === 't' ? '\t' : next });
      continue;
    }
    if (char !== '$') {
      pieces.push({ text: char });
      continue;
    }
    const group = /^(?:(\d+)|\{(\d+)\}|(&))/.exec(source.slice(at + 1));
    if (!group) throw new Error(`a Perl variable in the replacement of ${JSON.stringify(whole)} is not supported ($1, \${1} and $& are)`);
    pieces.push({ group: group[3] ? 0 : Number(group[1] ?? group[2]) });
    at += group[0].length;
  }
  return (match) => {
    let out = '';
    let span: 'U' | 'L' | undefined;
    let next: 'u' | 'l' | undefined;
    for (const piece of pieces) {
      if ('caseChange' in piece) {
        const change = piece.caseChange;
        if (change === 'u' || change === 'l') next = change;
        else span = change === 'E' ? undefined : change;
        continue;
      }
      let text = 'text' in piece ? piece.text : (match[piece.group] ?? '');
      if (span) text = span === 'U' ? text.toUpperCase() : text.toLowerCase();
      if (next && text !== '') {
        text = (next === 'u' ? text[0]!.toUpperCase() : text[0]!.toLowerCase()) + text.slice(1);
        next = undefined;
      }
      out += text;
    }
    return out;
  };
}
