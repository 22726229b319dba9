/**
 * Byte strings: one character a byte (latin1), how `prun exec` carries its inputs and its
 * commands' output, so that bytes that are not valid UTF-8 (a file name in another encoding)
 * reach the command, the joblog and --failed-out as they were read, as GNU parallel and xargs
 * keep them; decoding them as UTF-8 on the way would turn them into U+FFFD for good.
 */

const ASCII = /^[\x00-\x7f]*$/;

/**
 * A byte that is not UTF-8, kept in text as a lone low surrogate (U+DC80 to U+DCFF), as
 * Python's surrogateescape keeps it; a surrogate pair is matched whole, so that the low half of
 * a real pair is never taken for one. Shown to people, such a surrogate is U+FFFD, as Node
 * writes it; made bytes, it is its byte again.
 */
const ESCAPED_OR_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uDC80-\uDCFF]/g;
const MAY_HOLD_ESCAPES = /[\uDC80-\uDCFF]/;

/**
 * The command line's arguments, with the bytes of those that are not UTF-8 kept in them as
 * escapes (above), where Node decoded each bad sequence as U+FFFD, for good (was: `::: $'\xe9t\xe9'`
 * reached the command as U+FFFD's bytes; then two arguments that differed only in such bytes
 * both reached it as the first's). `raw` has one Buffer an argument, as the kernel holds them.
 */
export function withArgumentBytes(decoded: readonly string[], raw: readonly Buffer[]): string[] {
  if (raw.length !== decoded.length) return [...decoded];
  return decoded.map((text, i) => (text.includes('\uFFFD') ? escapedText(raw[i]!) : text));
}

/** Bytes as UTF-8 text, each byte that is not part of a valid sequence as its escape. */
function escapedText(bytes: Buffer): string {
  let text = '';
  let validFrom = 0;
  for (let at = 0; at < bytes.length; ) {
    const length = utf8SequenceLength(bytes, at);
    if (length > 0) {
      at += length;
      continue;
    }
    text += bytes.toString('utf8', validFrom, at) + String.fromCharCode(0xdc00 + bytes[at]!);
    validFrom = ++at;
  }
  return text + bytes.toString('utf8', validFrom);
}

/** The length of the valid UTF-8 sequence at `at`, or 0 (the Unicode Standard's table 3-7). */
function utf8SequenceLength(bytes: Buffer, at: number): number {
  const lead = bytes[at]!;
  if (lead < 0x80) return 1;
  // the length, and the range of the second byte, which rules out overlong forms, surrogates and past U+10FFFF
  const [length, low, high] =
    lead >= 0xc2 && lead <= 0xdf ? [2, 0x80, 0xbf]
    : lead === 0xe0 ? [3, 0xa0, 0xbf]
    : lead === 0xed ? [3, 0x80, 0x9f]
    : lead >= 0xe1 && lead <= 0xef ? [3, 0x80, 0xbf]
    : lead === 0xf0 ? [4, 0x90, 0xbf]
    : lead >= 0xf1 && lead <= 0xf3 ? [4, 0x80, 0xbf]
    : lead === 0xf4 ? [4, 0x80, 0x8f]
    : [0, 0, 0];
  if (length === 0 || at + length > bytes.length) return 0;
  const second = bytes[at + 1]!;
  if (second < low || second > high) return 0;
  for (let k = 2; k < length; k++) if ((bytes[at + k]! & 0xc0) !== 0x80) return 0;
  return length;
}

/** A JS string as the byte string of its UTF-8 encoding; a byte kept as an escape as that byte. */
export function toByteString(text: string): string {
  if (ASCII.test(text)) return text;
  if (!MAY_HOLD_ESCAPES.test(text)) return utf8Bytes(text);
  let bytes = '';
  let from = 0;
  for (const match of text.matchAll(ESCAPED_OR_PAIR)) {
    if (match[0].length === 2) continue; // a pair: a character, encoded with the text around it
    bytes += utf8Bytes(text.slice(from, match.index)) + String.fromCharCode(match[0].charCodeAt(0) - 0xdc00);
    from = match.index + 1;
  }
  return bytes + utf8Bytes(text.slice(from));
}

function utf8Bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** A byte as text: ASCII as itself, any other kept as its escape, which toByteString makes that byte again. */
export function byteAsText(byte: number): string {
  return byte < 0x80 ? String.fromCharCode(byte) : String.fromCharCode(0xdc00 + byte);
}

/** A byte string as text, the inverse of toByteString: valid UTF-8 as its characters, any other byte as its escape. */
export function textOfBytes(bytes: string): string {
  return ASCII.test(bytes) ? bytes : escapedText(Buffer.from(bytes, 'latin1'));
}

/**
 * Text cut where `separator`, a byte string, occurs in its bytes, as GNU parallel cuts (a byte
 * may cut a character), each piece text again.
 */
export function cutAsBytes(text: string, separator: string): string[] {
  if (ASCII.test(text)) return text.split(separator);
  return toByteString(text).split(separator).map(textOfBytes);
}

/** Text as people read it: a byte kept as an escape is U+FFFD, as Node writes it (and as a file's bad bytes read). */
export function shownText(text: string): string {
  return MAY_HOLD_ESCAPES.test(text) ? text.replace(ESCAPED_OR_PAIR, (match) => (match.length === 2 ? match : '\uFFFD')) : text;
}

/** A file's name as the file system takes it: with the bytes of an argument that was not UTF-8. */
export function argumentPath(path: string): string | Buffer {
  return MAY_HOLD_ESCAPES.test(path) ? Buffer.from(toByteString(path), 'latin1') : path;
}

/** A byte string as the text it encodes in UTF-8 (for people to read: what is not UTF-8 shows as U+FFFD). */
export function fromByteString(bytes: string): string {
  return ASCII.test(bytes) ? bytes : Buffer.from(bytes, 'latin1').toString('utf8');
}
