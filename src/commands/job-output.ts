import { readFileSync } from 'node:fs';

/**
 * A job's stdout or stderr file, when the lane said it is not empty, as a byte string
 * (latin1: one character a byte): a command's output need not be UTF-8 (gzip -c, images),
 * and it reaches prun's stdout byte for byte.
 */
export function readOutput(path: string, notEmpty: boolean): string {
  return notEmpty ? readFileSync(path, 'latin1') : '';
}

/** GNU parallel's --tag: every line, the last one too when it has no newline, starts with `tag`. */
export function tagLines(text: string, tag: string): string {
  if (text === '') return '';
  const end = text.endsWith('\n') ? text.length - 1 : text.length;
  return tag + text.slice(0, end).replaceAll('\n', `\n${tag}`) + text.slice(end);
}
