/**
 * Perl's regular expressions, as GNU parallel's options take them (`--colsep`, the patterns of
 * `--rpl`), written as JavaScript ones that mean the same where the two differ. What has no
 * such writing is refused rather than misread: silent wrong output otherwise.
 */

// escapes that mean something else, or nothing, in a JavaScript pattern: refused, not misread
const PERL_ONLY_ESCAPES = 'QEGKhHvVRXNpPlLuUea';

/**
 * POSIX classes (`[[:digit:]]`), as Perl matches them on bytes: ASCII only. JavaScript reads
 * `[[:digit:]]` as a class of `[`, `:`, `d`... followed by a `]` (was: `--colsep
 * '[[:digit:]]'` cut `a1b` at nothing, and `a:b]` at its `:b]`: a review).
 */
const POSIX_CLASSES: Readonly<Record<string, readonly (readonly [number, number])[]>> = {
  alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  digit: [[0x30, 0x39]],
  alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  upper: [[0x41, 0x5a]],
  lower: [[0x61, 0x7a]],
  space: [[0x09, 0x0d], [0x20, 0x20]],
  blank: [[0x09, 0x09], [0x20, 0x20]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  print: [[0x20, 0x7e]],
  graph: [[0x21, 0x7e]],
  cntrl: [[0x00, 0x1f], [0x7f, 0x7f]],
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
  word: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]],
  ascii: [[0x00, 0x7f]],
};
const POSIX_CLASS = /^\[:(\^?)([a-z]+):\]/;
/** The highest code unit of a byte string's characters, and of any JavaScript string's. */
const LAST = 0xffff;

/**
 * `source`, a Perl pattern, as a JavaScript one: `.` stops only at "\n" (JavaScript's also at
 * "\r", U+2028, U+2029), `$` and `\Z` also match before a final "\n", `\A` and `\z` are the
 * ends of the value, with the m flag a line ends at "\n" only, and POSIX classes are their
 * characters. Throws an Error saying what is not supported, for the caller to name the option.
 */
export function perlPattern(source: string, dotAll = false, multiline = false): string {
  let out = '';
  let inClass = false;
  for (let at = 0; at < source.length; at++) {
    const char = source[at]!;
    if (char === '\\') {
      const next = source[at + 1] ?? '';
      at++;
      // inside brackets too: `[\h]` is a blank to Perl, an h to JavaScript
      if (next !== '' && PERL_ONLY_ESCAPES.includes(next)) throw new Error(`\\${next} in a pattern (${source}) is not supported`);
      else if (inClass) out += `\\${next}`;
      else if (next === 'A') out += '(?<![^])';
      else if (next === 'z') out += '(?![^])';
      else if (next === 'Z') out += '(?=\\n?(?![^]))';
      else out += `\\${next}`;
    } else if (inClass) {
      const posix = char === '[' ? POSIX_CLASS.exec(source.slice(at)) : null;
      if (posix) {
        out += posixClass(posix[2]!, posix[1] === '^', source);
        at += posix[0].length - 1;
        continue;
      }
      if (char === ']') inClass = false;
      out += char;
    } else if (char === '[') {
      inClass = true;
      out += char;
      // a ] right after [ or [^ is one of the class's characters
      if (source[at + 1] === '^') out += source[++at];
      if (source[at + 1] === ']') out += `\\${source[++at]}`;
    } else if (char === '.') out += dotAll ? '[^]' : '[^\\n]';
    else if (char === '$' && /[A-Za-z_{]/.test(source[at + 1] ?? '')) throw new Error(`a Perl variable in a pattern (${source}) is not supported`);
    else if (char === '$') out += multiline ? '(?=\\n|(?![^]))' : '(?=\\n?(?![^]))';
    // JavaScript's m flag would also take "\r" and U+2028 for line ends, and the end after a last "\n" for a line's start
    else if (char === '^' && multiline) out += '(?:(?<![^])|(?<=\\n)(?=[^]))';
    else out += char;
  }
  return out;
}

/** The members of a class that a POSIX class (negated: `[:^digit:]`) stands for inside it. */
function posixClass(name: string, negated: boolean, source: string): string {
  const ranges = POSIX_CLASSES[name];
  if (!ranges) throw new Error(`[:${name}:] in a pattern (${source}) is not a POSIX class`);
  return (negated ? complement(ranges) : ranges).map(([first, last]) => (first === last ? hex(first) : `${hex(first)}-${hex(last)}`)).join('');
}

/** The code units 0-0xFFFF that `ranges` (in order, apart) leave out. */
function complement(ranges: readonly (readonly [number, number])[]): [number, number][] {
  const out: [number, number][] = [];
  let next = 0;
  for (const [first, last] of ranges) {
    if (first > next) out.push([next, first - 1]);
    next = last + 1;
  }
  if (next <= LAST) out.push([next, LAST]);
  return out;
}

const hex = (code: number): string => `\\u${code.toString(16).padStart(4, '0')}`;
