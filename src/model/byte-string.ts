/**
 * Byte strings: one character a byte (latin1), how `prun exec` carries its inputs and its
 * commands' output, so that bytes that are not valid UTF-8 (a file name in another encoding)
 * reach the command, the joblog and --failed-out as they were read, as GNU parallel and xargs
 * keep them; decoding them as UTF-8 on the way would turn them into U+FFFD for good.
 */

const ASCII = /^[\x00-\x7f]*$/;

/** A JS string as the byte string of its UTF-8 encoding. */
export function toByteString(text: string): string {
  return ASCII.test(text) ? text : Buffer.from(text, 'utf8').toString('latin1');
}

/** A byte string as the text it encodes in UTF-8 (for people to read: what is not UTF-8 shows as U+FFFD). */
export function fromByteString(bytes: string): string {
  return ASCII.test(bytes) ? bytes : Buffer.from(bytes, 'latin1').toString('utf8');
}
