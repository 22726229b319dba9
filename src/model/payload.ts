import { fromByteString } from './byte-string.js';

/**
 * A batch's inputs: raw bytes of whole lines (split by the worker, so the main thread never
 * touches single lines) or already separated inputs: strings (`:::`), or a library caller's
 * values, anything structured clone carries, given to the function as they are.
 */
export type Payload = Uint8Array | unknown[];

/** What ends each input of a byte payload: a newline, or NUL (`-0`, as `find -print0` writes). */
export type Separator = typeof NEWLINE | typeof NUL;
export const NEWLINE = 10;
export const NUL = 0;

/**
 * NUL joins the arguments of one `prun exec` job (a `:::` combination, -N's records) into one
 * input: no argv can hold a NUL, so the job's arguments split back exactly.
 */
export const ARG_SEPARATOR = '\0';

/**
 * An argument read with a NUL in it, which no argument can hold and which ARG_SEPARATOR would
 * split: each NUL written `\0`, as GNU parallel writes it.
 */
export function withNulWritten(argument: string): string {
  return argument.replaceAll(ARG_SEPARATOR, '\\0');
}

/**
 * How a run names its inputs, for the joblog, --failed-out and --resume: `text`, as a function
 * gets them (UTF-8, a CRLF line without its `\r`); `bytes`, as a command gets them, every
 * byte kept (byte strings: see byte-string.ts). An array payload holds them named already.
 */
export type InputNaming = 'text' | 'bytes';

/**
 * The inputs of a payload. Raw lines lose their `\n`, and as text a `\r` before it (CRLF
 * files); NUL-ended inputs lose their NUL and nothing else, as xargs -0 reads them.
 */
export function splitPayload(payload: Payload, separator: Separator, naming: InputNaming): string[] {
  if (Array.isArray(payload)) return payload.map(inputName);
  const text = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString(naming === 'bytes' ? 'latin1' : 'utf8');
  const end = String.fromCharCode(separator);
  const inputs = text.split(end);
  // the reader ends every input but perhaps the last one with its separator
  if (text.endsWith(end)) inputs.pop();
  if (separator !== NEWLINE || naming === 'bytes') return inputs;
  for (let i = 0; i < inputs.length; i++) {
    const line = inputs[i]!;
    if (line.charCodeAt(line.length - 1) === 13) inputs[i] = line.slice(0, -1);
  }
  return inputs;
}

/** An input as messages name it: a string as it is, a library caller's value as JSON. */
export function inputName(input: unknown): string {
  if (typeof input === 'string') return input;
  try {
    return JSON.stringify(input) ?? String(input);
  } catch {
    return String(input);
  }
}

/** An input's name as people read it: a job's arguments (byte strings) decoded, space-separated as GNU parallel shows them. */
export function shownName(name: string, naming: InputNaming): string {
  return joinedName(name, naming, ' ');
}

/**
 * An input as a --key rule reads it: a job's arguments (--colsep's columns, a value of each
 * input source) are its tab-separated fields, so that `field:N` is the job's {N} (was: joined
 * by spaces as shown, so that `--colsep '\t' --key field:1` keyed every input apart: no limit).
 */
export function keyedName(name: string, naming: InputNaming): string {
  return joinedName(name, naming, '\t');
}

function joinedName(name: string, naming: InputNaming, between: string): string {
  return naming === 'bytes' ? fromByteString(name.replaceAll(ARG_SEPARATOR, between)) : name;
}

/** The inputs [from, to) of a payload, as a payload of its own. */
export function slicePayload(payload: Payload, from: number, to: number, separator: Separator): Payload {
  if (Array.isArray(payload)) return payload.slice(from, to);
  return payload.slice(inputStart(payload, from, separator), inputStart(payload, to, separator));
}

/** About how much memory a payload holds: its bytes, or its strings' lengths (other values count nothing). */
export function payloadSize(payload: Payload): number {
  if (!Array.isArray(payload)) return payload.byteLength;
  let size = 0;
  for (const item of payload) if (typeof item === 'string') size += item.length;
  return size;
}

/** Byte offset where input `n` (from 0) starts; the length when n is past the last one. */
function inputStart(bytes: Uint8Array, n: number, separator: Separator): number {
  let position = 0;
  for (let input = 0; input < n; input++) {
    const end = bytes.indexOf(separator, position);
    if (end === -1) return bytes.length;
    position = end + 1;
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
  private readonly end: string;
  private readonly stripsCarriageReturn: boolean;
  private position = 0;
  private index = 0;

  constructor(
    private readonly payload: Payload,
    separator: Separator,
  ) {
    this.text = Array.isArray(payload) ? undefined : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
    this.end = String.fromCharCode(separator);
    this.stripsCarriageReturn = separator === NEWLINE;
  }

  /** The next input; call it no more times than the payload has inputs. */
  next(): unknown {
    if (this.text === undefined) return (this.payload as unknown[])[this.index++];
    const text = this.text;
    let end = text.indexOf(this.end, this.position);
    if (end === -1) end = text.length;
    const crlf = this.stripsCarriageReturn && end > this.position && text.charCodeAt(end - 1) === 13;
    const line = crlf ? text.slice(this.position, end - 1) : text.slice(this.position, end);
    this.position = end + 1;
    return line;
  }
}
