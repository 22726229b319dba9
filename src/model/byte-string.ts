/**
 * Byte strings: one character a byte (latin1), how `prun exec` carries its inputs and its
 * commands' output, so that bytes that are not valid UTF-8 (a file name in another encoding)
 * reach the command, the joblog and --failed-out as they were read, as GNU parallel and xargs
 * keep them; decoding them as UTF-8 on the way would turn them into U+FFFD for good.
 */

const ASCII = /^[\x00-\x7f]*$/;

/**
 * The command line's arguments whose bytes are not UTF-8, as Node decoded them (U+FFFD for
 * each bad sequence, for good) and as they were: the byte string of the decoded text, the
 * bytes as a byte string, and the decoded text, for a file they name.
 */
const undecodedArguments: { decoded: string; bytes: string; text: string }[] = [];

/**
 * Remembers the command line's own bytes (`raw`, one Buffer an argument) beside the arguments
 * as Node decoded them, so that wherever the text of an argument that was not UTF-8 ends up
 * (a command's words, `:::` values, a file's name) its bytes go instead (was: `::: $'\xe9t\xe9'`
 * reached the command as U+FFFD's bytes, with no error; GNU parallel passes the bytes).
 */
export function rememberArgumentBytes(decoded: readonly string[], raw: readonly Buffer[]): void {
  if (raw.length !== decoded.length) return;
  for (const [i, text] of decoded.entries()) {
    const bytes = raw[i]!;
    if (text.includes('\uFFFD') && !bytes.equals(Buffer.from(text, 'utf8'))) {
      undecodedArguments.push({ decoded: Buffer.from(text, 'utf8').toString('latin1'), bytes: bytes.toString('latin1'), text });
    }
  }
}

/** A JS string as the byte string of its UTF-8 encoding; an argument that was not UTF-8 as its own bytes. */
export function toByteString(text: string): string {
  if (ASCII.test(text)) return text;
  let bytes = Buffer.from(text, 'utf8').toString('latin1');
  if (undecodedArguments.length > 0 && text.includes('\uFFFD')) for (const raw of undecodedArguments) bytes = bytes.replaceAll(raw.decoded, raw.bytes);
  return bytes;
}

/** A file's name as the file system takes it: the bytes of an argument that was not UTF-8. */
export function argumentPath(path: string): string | Buffer {
  const raw = path.includes('\uFFFD') ? undecodedArguments.find((argument) => argument.text === path) : undefined;
  return raw ? Buffer.from(raw.bytes, 'latin1') : path;
}

/** A byte string as the text it encodes in UTF-8 (for people to read: what is not UTF-8 shows as U+FFFD). */
export function fromByteString(bytes: string): string {
  return ASCII.test(bytes) ? bytes : Buffer.from(bytes, 'latin1').toString('utf8');
}
