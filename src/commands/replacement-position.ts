/**
 * The position a replacement string may start with, as GNU parallel's built-in ones have it:
 * `{2..}` is `{..}` of the second value, `{2#re}` `{#re}`'s (any digits but all zeros; a
 * negative one counts from the last value).
 */
const POSITION = /^(-?\d*[1-9]\d*)?([^]+)$/;

/** What the braces hold, as its position (undefined: none) and the rest. */
export function splitPosition(content: string): { position: number | undefined; rest: string } {
  const [, position, rest = ''] = POSITION.exec(content) ?? [];
  return { position: position === undefined ? undefined : Number(position), rest };
}

/**
 * `pattern` matched against what the braces hold, whole, else against what follows its
 * position: the match, and the value it is of (undefined: every value).
 */
export function matchPositioned(pattern: RegExp, content: string): { match: RegExpExecArray; position: number | undefined } | undefined {
  const whole = pattern.exec(content);
  if (whole) return { match: whole, position: undefined };
  const { position, rest } = splitPosition(content);
  const match = position === undefined ? null : pattern.exec(rest);
  return match ? { match, position } : undefined;
}
