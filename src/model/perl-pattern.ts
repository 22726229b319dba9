/**
 * Perl's regular expressions, as GNU parallel's options take them (`--colsep`, the patterns of
 * `--rpl`), written as JavaScript ones that mean the same where the two differ. What has no
 * such writing is refused rather than misread: silent wrong output otherwise.
 */

// escapes that mean something else, or nothing, in a JavaScript pattern: refused, not misread
const PERL_ONLY_ESCAPES = 'GKhHvVRXNpPeag';
// escapes of Perl's string interpolation, which a pattern in Perl's source (s///) goes
// through and one read at run time (--colsep) does not: there the regex engine takes each
// for its letter
const INTERPOLATION_ESCAPES = 'QElLuU';

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

/** How a pattern is read: Perl's flags s and m, and whether it is Perl source (s///, interpolated) or a string read at run time (--colsep). */
export interface PerlPatternOptions {
  dotAll?: boolean;
  multiline?: boolean;
  interpolated?: boolean;
}

/**
 * `source`, a Perl pattern, as a JavaScript one: `.` stops only at "\n" (JavaScript's also at
 * "\r", U+2028, U+2029), `$` and `\Z` also match before a final "\n", `\A` and `\z` are the
 * ends of the value, with the m flag a line ends at "\n" only, POSIX classes are their
 * characters, `\x{HH}` and `\o{NNN}` theirs, and `{,n}` is `{0,n}` (as Perl 5.34 and later
 * read it). Throws an Error saying what is not supported, for the caller to name the option.
 */
export function perlPattern(source: string, { dotAll = false, multiline = false, interpolated = true }: PerlPatternOptions = {}): string {
  let out = '';
  let inClass = false;
  const unsupported = (what: string) => new Error(`${what} in a pattern (${source}) is not supported`);
  for (let at = 0; at < source.length; at++) {
    const char = source[at]!;
    if (char === '\\') {
      const next = source[at + 1] ?? '';
      at++;
      const braced = /^([xo])\{([^}]*)\}/.exec(source.slice(at));
      if (braced) {
        out += codeEscape(braced[1] === 'x' ? 16 : 8, braced[2]!, () => unsupported(`\\${braced[0]}`));
        at += braced[0].length - 1;
        continue;
      }
      // inside brackets too: `[\h]` is a blank to Perl, an h to JavaScript
      if (next !== '' && PERL_ONLY_ESCAPES.includes(next)) throw unsupported(`\\${next}`);
      if (next !== '' && INTERPOLATION_ESCAPES.includes(next)) {
        if (interpolated) throw unsupported(`\\${next}`);
        out += next;
      } else if ((next === 'b' || next === 'B') && source[at + 1] === '{' && !inClass) throw unsupported(`\\${next}{...}`);
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
    // after something to repeat: at the start, after `(` or `|`, Perl reads it as text
    else if (char === '{' && /^\{,\d+\}/.test(source.slice(at)) && !/(?:^|[(|]|\(\?(?:[:=!]|<[=!]))$/.test(out)) out += '{0';
    else if (char === '$' && interpolated && /[A-Za-z_{]/.test(source[at + 1] ?? '')) throw unsupported('a Perl variable');
    else if (char === '$') out += multiline ? '(?=\\n|(?![^]))' : '(?=\\n?(?![^]))';
    // JavaScript's m flag would also take "\r" and U+2028 for line ends, and the end after a last "\n" for a line's start
    else if (char === '^' && multiline) out += '(?:(?<![^])|(?<=\\n)(?=[^]))';
    else out += char;
  }
  return out;
}

/** `\x{HH}` or `\o{NNN}`: the byte it is, which a byte string can hold (0-255). */
function codeEscape(radix: number, digits: string, refused: () => Error): string {
  const code = Number.parseInt(digits.trim() || '0', radix);
  if (!/^\s*[0-9a-fA-F]*\s*$/.test(digits) || Number.isNaN(code) || code > 0xff || (radix === 8 && /[89a-fA-F]/.test(digits))) throw refused();
  return hex(code);
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
