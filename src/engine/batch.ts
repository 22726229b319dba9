import type { Payload } from '../runtime/protocol.js';

/** Where an input came from, for messages: `file:line`. Absent for stdin and iterables. */
export interface Origin {
  file: string;
  line: number; // of the batch's first input, from 1
}

/** Consecutive inputs sent to a worker together. The unit that an executor runs. */
export interface Batch {
  id: number;
  first: number; // global index of its first input
  count: number;
  payload: Payload;
  attempt: number; // 1-based
  /**
   * Suspects of a worker death: run alone on a worker, results reported one by one, so that
   * another death names the input that caused it.
   */
  isolated: boolean;
  origin: Origin | undefined;
}

/** The part [from, to) of a payload, as a payload of its own. */
export function slicePayload(payload: Payload, from: number, to: number): Payload {
  if (Array.isArray(payload)) return payload.slice(from, to);
  const start = lineStart(payload, from);
  const end = lineStart(payload, to);
  return payload.slice(start, end);
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

export function originAt(origin: Origin | undefined, offset: number): Origin | undefined {
  return origin && { file: origin.file, line: origin.line + offset };
}
