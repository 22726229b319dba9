import { slicePayload, splitPayload } from '../runtime/payload.js';
import type { Payload, Separator } from '../runtime/protocol.js';

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
  /** What ends each input of a byte payload. */
  separator: Separator;
  attempt: number; // 1-based
  /**
   * Suspects of a worker death: run alone on a worker, results reported one by one, so that
   * another death names the input that caused it.
   */
  isolated: boolean;
  /**
   * The retry of an input that took its worker down: alone, on a worker that has run nothing
   * yet, so that whatever the dead one had come to (a leak, a poisoned cache) plays no part.
   */
  fresh: boolean;
  origin: Origin | undefined;
}

/** What a batch asks of the worker that runs it. */
export type Placement = Pick<Batch, 'isolated' | 'fresh'>;

/** New inputs: any worker with room, beside other batches. */
export const SHARED: Placement = { isolated: false, fresh: false };

/** The inputs [from, to) of a batch, as strings. */
export function inputsOf(batch: Batch, from: number, to: number): string[] {
  return splitPayload(slicePayload(batch.payload, from, to, batch.separator), batch.separator);
}

export function originAt(origin: Origin | undefined, offset: number): Origin | undefined {
  return origin && { file: origin.file, line: origin.line + offset };
}
