import type { Payload } from './protocol.js';

/** The inputs of a payload. Raw lines lose their `\n`, and a `\r` before it (CRLF files). */
export function splitPayload(payload: Payload): string[] {
  if (Array.isArray(payload)) return payload;
  const text = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
  const lines = text.split('\n');
  // the reader ends every line but perhaps the input's last one with \n
  if (text.endsWith('\n')) lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.charCodeAt(line.length - 1) === 13) lines[i] = line.slice(0, -1);
  }
  return lines;
}

/** The inputs [from, to) of a payload, as a payload of its own. */
export function slicePayload(payload: Payload, from: number, to: number): Payload {
  if (Array.isArray(payload)) return payload.slice(from, to);
  return payload.slice(lineStart(payload, from), lineStart(payload, to));
}

/** Byte offset where line `n` (from 0) starts; the length when n is past the last line. */
function lineStart(bytes: Uint8Array, n: number): number {
  let position = 0;
  for (let line = 0; line < n; line++) {
    const newline = bytes.indexOf(10, position);
    if (newline === -1) return bytes.length;
    position = newline + 1;
  }
  return position;
}

/**
 * The inputs of a payload one at a time, so that each line's string dies young instead of
 * a whole batch of them living as long as the batch (and being promoted out of the young
 * generation, which was most of a worker's garbage-collection time).
 */
export class PayloadReader {
  private readonly text: string | undefined;
  private position = 0;
  private index = 0;

  constructor(private readonly payload: Payload) {
    this.text = Array.isArray(payload) ? undefined : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
  }

  /** The next input; call it no more times than the payload has inputs. */
  next(): string {
    if (this.text === undefined) return (this.payload as string[])[this.index++]!;
    const text = this.text;
    let end = text.indexOf('\n', this.position);
    if (end === -1) end = text.length;
    const line = text.charCodeAt(end - 1) === 13 && end > this.position ? text.slice(this.position, end - 1) : text.slice(this.position, end);
    this.position = end + 1;
    return line;
  }
}
