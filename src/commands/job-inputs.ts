import { ARG_SEPARATOR } from '../io/combination-source.js';
import type { Payload, Separator } from '../model/payload.js';

/**
 * The arguments of `prun exec` jobs. A `:::` combination travels through the pipeline as one
 * input, its arguments joined by NUL (see combination-source.ts); a line holding a NUL splits
 * there too, as no shell command could carry it anyway.
 *
 * Arguments are "byte strings" (latin1: one character a byte) from here to the shell lane,
 * so that a file name that is not valid UTF-8 reaches the command byte for byte, as it does
 * with GNU parallel and xargs; decoding it as UTF-8 would turn it into one that does not exist.
 */

/**
 * Each input of a payload as its arguments, in byte strings. A `\r` before a newline is kept,
 * as GNU parallel keeps it: the command gets the line as it is.
 */
export function jobArgs(payload: Payload, separator: Separator): string[][] {
  const inputs = Array.isArray(payload) ? payload.map((input) => toBytes(String(input))) : splitBytes(payload, separator);
  return inputs.map((input) => input.split(ARG_SEPARATOR));
}

function splitBytes(payload: Uint8Array, separator: Separator): string[] {
  const text = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('latin1');
  const end = String.fromCharCode(separator);
  const inputs = text.split(end);
  // the reader ends every input but perhaps the last one with its separator
  if (text.endsWith(end)) inputs.pop();
  return inputs;
}

/** A JS string as the byte string of its UTF-8 encoding. */
export function toBytes(text: string): string {
  return ASCII.test(text) ? text : Buffer.from(text, 'utf8').toString('latin1');
}

/** How an input is shown to people (--tag, failures): its arguments, space-separated, as GNU parallel does. */
export function displayInput(args: readonly string[]): string {
  const bytes = args.join(' ');
  return ASCII.test(bytes) ? bytes : Buffer.from(bytes, 'latin1').toString('utf8');
}

const ASCII = /^[\x00-\x7f]*$/;
