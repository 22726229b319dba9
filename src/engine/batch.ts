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

export function originAt(origin: Origin | undefined, offset: number): Origin | undefined {
  return origin && { file: origin.file, line: origin.line + offset };
}
