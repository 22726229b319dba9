import type { ResultFormat } from '../runtime/protocol.js';

/**
 * Turns one result into the line the pool prints, without its newline; undefined prints
 * nothing (a function can act as a filter). Done in the worker, not the main thread, so
 * that formatting is spread over the pool. Throws when a result cannot be written (a
 * function, a symbol, a BigInt, a circular object): that fails the input, not the run.
 */
export function formatResult(format: ResultFormat, index: number, input: unknown, result: unknown): string | undefined {
  if (format === 'json') {
    // JSON.stringify leaves a property it cannot write out of its object: `{"index":0,"input":"x"}`
    // would say the input succeeded with no result
    if (typeof result === 'function' || typeof result === 'symbol') throw cannotWrite(`it is a ${typeof result}`);
    return stringify({ index, input, result: result === undefined ? null : result });
  }
  if (typeof result === 'string') return result;
  // the same text JSON.stringify gives a finite number, at a fraction of its cost
  if (typeof result === 'number' && Number.isFinite(result)) return String(result);
  if (result === undefined) return undefined;
  return stringify(result);
}

function stringify(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw cannotWrite((error as Error).message);
  }
  if (text === undefined) throw cannotWrite(`it is a ${typeof value}`);
  return text;
}

function cannotWrite(why: string): TypeError {
  return new TypeError(`result cannot be written as JSON: ${why}`);
}
