import { NEWLINE } from '../model/payload.js';
import type { InputSource } from './input-source.js';

/**
 * Inputs from an iterable or async iterable (a library caller's, or `::: a b c`), as they are:
 * strings stay strings, and a caller's other values reach the function unchanged. `count`:
 * how many there are, where the caller knows and `items` is not an array.
 */
export function itemSource(items: Iterable<unknown> | AsyncIterable<unknown>, count?: number): InputSource {
  const isAsync = Symbol.asyncIterator in items;
  const iterator = isAsync
    ? (items as AsyncIterable<unknown>)[Symbol.asyncIterator]()
    : (items as Iterable<unknown>)[Symbol.iterator]();
  const known = count ?? (Array.isArray(items) ? items.length : undefined);
  let taken = 0;
  let done = false;
  /** What the iterable threw after the values of a take: thrown at the next take. */
  let failed: { error: unknown } | undefined;
  return {
    async take(max) {
      if (failed) throw failed.error;
      if (done) return null;
      const payload: unknown[] = [];
      while (payload.length < max) {
        let next: IteratorResult<unknown>;
        try {
          // awaiting a plain iterator's every step would cost a microtask an input
          next = isAsync ? await iterator.next() : (iterator.next() as IteratorResult<unknown>);
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
      void iterator.return?.();
    },
  };
}
