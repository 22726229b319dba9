/**
 * The ASCII blanks, GNU parallel's `\s`: Perl's on bytes. JavaScript's `\s` takes the byte 0xA0
 * too (U+00A0 in a byte string), which is inside many UTF-8 characters: à is C3 A0.
 */
const BLANKS = ' \\t\\n\\v\\f\\r';

/**
 * A regular expression's source, to be matched on a byte string as Perl matches bytes: its `\s`
 * is an ASCII blank and its `\S` anything else (was: `--colsep '\s+'` cut `voilà` after its C3).
 * A `\S` inside brackets is left as it is: a class cannot hold a negated one.
 */
export function bytePattern(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (char === '\\' && i + 1 < source.length) {
      const escaped = source[++i]!;
      if (escaped === 's') out += inClass ? BLANKS : `[${BLANKS}]`;
      else if (escaped === 'S' && !inClass) out += `[^${BLANKS}]`;
      else out += char + escaped;
      continue;
    }
    if (char === '[') inClass = true;
    else if (char === ']') inClass = false;
    out += char;
  }
  return out;
}
