import { PrunError } from '../errors.js';
import { NEWLINE } from '../model/payload.js';
import type { InputSource } from './input-source.js';

/**
 * Inputs from an iterable or async iterable (a library caller's, or `::: a b c`), as they are:
 * strings stay strings, and a caller's other values reach the function unchanged. `count`:
 * how many there are, where the caller knows and `items` is not an array. `check` throws for
 * a value the run cannot take: that ends the inputs there, as the iterable's own throw does,
 * the values before it taken all the same.
 */
export function itemSource(items: Iterable<unknown> | AsyncIterable<unknown>, count?: number, check?: (value: unknown, index: number) => void): InputSource {
  const isAsync = Symbol.asyncIterator in items;
  const iterator = isAsync
    ? (items as AsyncIterable<unknown>)[Symbol.asyncIterator]()
    : (items as Iterable<unknown>)[Symbol.iterator]();
  const known = count ?? (Array.isArray(items) ? items.length : undefined);
  let taken = 0;
  let done = false;
  /** What the iterable threw after the values of a take: thrown at the next take. */
  let failed: { error: unknown } | undefined;
  /** An async step that was not ready when its take ended: the next take's first. */
  let pending: Promise<IteratorResult<unknown>> | undefined;
  /**
   * Settles when the source is closed: a take waiting on a step ends then, with nothing. An
   * async generator waiting inside (on a FIFO with no writer yet) takes return() only once that
   * wait is over, which may be never (was: `prun exec -X echo :::: FIFO` deaf to Ctrl-C, SIGTERM
   * and a second Ctrl-C alike: the run waited for the take for ever).
   */
  let markClosed!: (value: typeof CLOSED) => void;
  const closed = new Promise<typeof CLOSED>((resolve) => (markClosed = resolve));
  return {
    async take(max) {
      if (failed) throw failed.error;
      if (done) return null;
      const payload: unknown[] = [];
      while (payload.length < max) {
        let next: IteratorResult<unknown>;
        try {
          if (!isAsync) {
            // awaiting a plain iterator's every step would cost a microtask an input
            next = iterator.next() as IteratorResult<unknown>;
          } else {
            const step = pending ?? (iterator.next() as Promise<IteratorResult<unknown>>);
            pending = undefined;
            // past the first, only what is ready within this turn joins the take: an input
            // given never waits for later ones (was: held until the batch filled, and a source
            // that waits on results before it yields more deadlocked, its inputs never started)
            const ready = payload.length === 0 ? await Promise.race([step, closed]) : await readyNow(step);
            if (ready === CLOSED) {
              // settled later, or never: its failure is no one's now
              step.catch(() => {});
              return null;
            }
            if (ready === NOT_READY) {
              pending = step;
              break;
            }
            next = ready;
          }
          // was: an iterator whose next() gave no object was an endless run of undefined inputs
          if (typeof next !== 'object' || next === null) throw new PrunError('ERR_USAGE', `the inputs' iterator gave ${String(next)}, not an iterator result`);
          if (!next.done) check?.(next.value, taken + payload.length);
        } catch (error) {
          // the values it gave before it threw are inputs all the same: they run first
          if (payload.length === 0) throw error;
          failed = { error };
          break;
        }
        if (next.done) {
          done = true;
          break;
        }
        payload.push(next.value);
      }
      taken += payload.length;
      return payload.length > 0 ? { payload, separator: NEWLINE, count: payload.length, origin: undefined } : null;
    },
    remaining() {
      if (done) return 0;
      return known === undefined ? undefined : known - taken;
    },
    close() {
      done = true;
      markClosed(CLOSED);
      // a step still pending is the iterable's to settle; its failure is no one's now
      pending?.catch(() => {});
      // nor is what its return() throws: the run is stopping, and the stop must go on to the
      // workers (was: a generator whose finally threw, synchronously, left them running, and
      // the caller's program never ended: a review)
      try {
        void Promise.resolve(iterator.return?.()).catch(() => {});
      } catch {
        // as its asynchronous failure
      }
    },
  };
}

/** A step not settled within the turn (not undefined: a broken iterator's step may settle to that). */
const NOT_READY = Symbol('not ready');
/** The source was closed while a take waited on a step. */
const CLOSED = Symbol('closed');

/**
 * The step's result if it settles within this turn of the event loop (an async generator
 * that awaits nothing settles in microtasks), else NOT_READY, the step left pending; its
 * failure, if it fails within the turn, is thrown.
 */
async function readyNow(step: Promise<IteratorResult<unknown>>): Promise<IteratorResult<unknown> | typeof NOT_READY> {
  let timer: NodeJS.Immediate | undefined;
  const later = new Promise<typeof NOT_READY>((resolve) => (timer = setImmediate(resolve, NOT_READY)));
  try {
    return await Promise.race([step, later]);
  } finally {
    clearImmediate(timer);
  }
}
