/**
 * The ASCII blanks, GNU parallel's `\s`: Perl's on bytes. JavaScript's `\s` takes the byte 0xA0
 * too (U+00A0 in a byte string), which is inside many UTF-8 characters: à is C3 A0.
 */
const BLANKS = ' \\t\\n\\v\\f\\r';
/** Every character but those, written as a class's members, for `\S` inside brackets. */
const NOT_BLANKS = '\\x00-\\x08\\x0e-\\x1f\\x21-\\uffff';

/**
 * A regular expression's source, to be matched on a byte string as Perl matches bytes: its `\s`
 * is an ASCII blank and its `\S` anything else, inside brackets too (was: `--colsep '\s+'` cut
 * `voilà` after its C3). A `-` beside either inside brackets stays a dash, as beside a class
 * escape, rather than joining the characters written for it into a range.
 */
export function bytePattern(source: string): string {
  let out = '';
  let inClass = false;
  // the last thing written inside brackets was the characters of a \s or \S
  let afterSet = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (char === '\\' && i + 1 < source.length) {
      const escaped = source[++i]!;
      const set = escaped === 's' ? BLANKS : escaped === 'S' ? NOT_BLANKS : undefined;
      if (set === undefined) out += char + escaped;
      else if (!inClass) out += escaped === 's' ? `[${BLANKS}]` : `[^${BLANKS}]`;
      else out = `${endsInDash(out) ? `${out.slice(0, -1)}\\-` : out}${set}`;
      afterSet = inClass && set !== undefined;
      continue;
    }
    if (char === '-' && afterSet) out += '\\-';
    else {
      if (char === '[') inClass = true;
      else if (char === ']') inClass = false;
      out += char;
    }
    afterSet = false;
  }
  return out;
}

/** Whether `text` ends in a `-` that no backslash escapes. */
function endsInDash(text: string): boolean {
  if (!text.endsWith('-')) return false;
  let backslashes = 0;
  while (text[text.length - 2 - backslashes] === '\\') backslashes++;
  return backslashes % 2 === 0;
}

/**
 * `source` compiled to match byte strings (bytePattern). Its error names `source` as written,
 * not as rewritten, and carries V8's reason alone as `reason`.
 */
export function byteRegExp(source: string, flags = ''): RegExp {
  try {
    return new RegExp(bytePattern(source), flags);
  } catch (error) {
    // V8 says "Invalid regular expression: /SOURCE/FLAGS: REASON"
    const { message } = error as Error;
    const reason = message.slice(message.lastIndexOf(': ') + 2);
    throw Object.assign(new SyntaxError(`Invalid regular expression: /${source}/${flags}: ${reason}`), { reason });
  }
}
