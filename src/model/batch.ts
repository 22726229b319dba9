import type { Failure, ThrottleAnswer } from './failure.js';
import { type InputNaming, type Payload, type Separator, slicePayload, splitPayload } from './payload.js';

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
  /** How many times its inputs have been started: every start counts, ctx.attempt says it. 1-based. */
  attempt: number;
  /** Of the user's --retries, how many it has used: a culprit-finding re-run or a throttled try uses none. */
  retried: number;
  /** What limits its start (--key): batches with a key hold one input. */
  key?: string;
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
  /**
   * A retry's: the failure of its input's last try. Should the run stop before the retry
   * starts, the input ends with it, a failure, not as one that never ran. None for an input
   * sent back by a throttle signal (429/503): told to wait, it has not failed.
   */
  lastFailure?: Failure;
  /** A retry's: how long its input's last try ran, when the run said (timings asked for). */
  lastDurationMs?: number;
  /**
   * An input sent back by a throttle signal: what that answer said (its status, its
   * Retry-After), for the ERR_THROTTLED it fails with should its key give up.
   */
  lastThrottle?: ThrottleAnswer;
  /**
   * How many throttle signals in a row its input's tries met: one goes again first, one met
   * again goes behind what waits, so that a page that always answers 503 never holds its key
   * (or the run) with every start while the rest is never asked for.
   */
  throttles?: number;
  /**
   * When the first of those signals came (the clock's ms). Without keys, an input throttled
   * for longer than --max-throttle fails alone, whatever the run's other inputs do: a page that
   * always answers 503 is that page's trouble, not the server's (scheduler/run-throttle.ts).
   */
  throttledSince?: number;
  /** How many workers in a row died holding it before they began it (Blame `unbegun`). */
  unbegun?: number;
}

/** What a batch asks of the worker that runs it. */
export type Placement = Pick<Batch, 'isolated' | 'fresh'>;

/** New inputs: any worker with room, beside other batches. */
export const SHARED: Placement = { isolated: false, fresh: false };

let lastId = 0;

/** Ids are unique in this process, whichever run or executor a batch goes to. */
export function newBatchId(): number {
  return ++lastId;
}

/**
 * The inputs [from, to) of a batch as a batch of its own, with a new id. Its count of deaths
 * before it began starts again, unless `changes` carries it on.
 */
export function cutBatch(batch: Batch, from: number, to: number, changes: Partial<Batch> = {}): Batch {
  const { unbegun: _, ...rest } = batch;
  return {
    ...rest,
    id: newBatchId(),
    first: batch.first + from,
    count: to - from,
    payload: slicePayload(batch.payload, from, to, batch.separator),
    origin: originAt(batch.origin, from),
    ...changes,
  };
}

/** The inputs [from, to) of a batch, as strings, named as the run names them. */
export function inputsOf(batch: Batch, from: number, to: number, naming: InputNaming): string[] {
  return splitPayload(slicePayload(batch.payload, from, to, batch.separator), batch.separator, naming);
}

export function originAt(origin: Origin | undefined, offset: number): Origin | undefined {
  return origin && { file: origin.file, line: origin.line + offset };
}

/**
 * Its input met a throttle signal again on its retry: it goes behind what waits, in its key's
 * queue or the run's, so that a page that always answers 503 never takes every start.
 */
export function throttledAgain(batch: Batch): boolean {
  return (batch.throttles ?? 0) > 1;
}
