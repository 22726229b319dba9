import { errorData, messageOrName } from '../model/failure.js';
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
    if (typeof result === 'function' || typeof result === 'symbol') throw cannotWrite(itIs(result));
    refuseOpaque(result);
    return stringify({ index, input, result: result === undefined ? null : result });
  }
  if (typeof result === 'string') return result;
  if (typeof result === 'number' && Number.isFinite(result)) return numberText(result);
  if (result === undefined) return undefined;
  refuseOpaque(result);
  return stringify(result);
}

/**
 * An object JSON writes as `{}` though it holds more: a Map or a Set with entries, an Error, an
 * instance whose state is not in its own enumerable fields (an async generator: a default
 * export written `async function*`). Was: printed `{}`, exit 0, what it held silently gone (a
 * review). Only the result itself is looked at, not what it holds: a Map inside an object is
 * still written `{}` (README).
 */
function refuseOpaque(result: unknown): void {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return;
  const prototype: unknown = Object.getPrototypeOf(result);
  if (prototype === Object.prototype || prototype === null) return;
  if (typeof (result as { toJSON?: unknown }).toJSON === 'function') return;
  // JSON writes a boxed primitive as its value
  if (result instanceof Number || result instanceof Boolean || result instanceof String) return;
  if ((result instanceof Map || result instanceof Set) && result.size === 0) return;
  if (Object.keys(result).length > 0) return;
  const kind = result instanceof Map ? 'a Map (return Object.fromEntries(map))' : result instanceof Set ? 'a Set (return [...set])' : result instanceof Error ? 'an Error (throw it to fail the input)' : `${kindOf(result)} with no fields of its own`;
  throw cannotWrite(`it is ${kind}: JSON would write it as {}`);
}

function kindOf(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  const named = typeof name === 'string' && name !== '' ? name : (Object.prototype.toString.call(value).slice(8, -1) || 'object');
  return `${/^[AEIOUaeiou]/.test(named) ? 'an' : 'a'} ${named}`;
}

/**
 * A finite number as String() writes it, without String()'s cost for numbers past the small
 * integers: V8 keeps the text of such a number in its number-string cache and so allocates it
 * in the old generation, never the young one, where a result should die. A worker returning
 * `x * x` for 1e7 inputs filled its old generation every ~30 scavenges, ran 16 full
 * collections and grew its heap with the length of the input; JSON.stringify writes the same
 * text without the cache. seq N | prun map (x) => Number(x) ** 2 --threads 2 (/usr/bin/time,
 * 2 runs each, before -> after): peak RSS at 1e6 108-115 -> 93-97 MB, at 1e7 117-122 -> 103 MB;
 * user CPU at 1e7 5.2-5.6 -> 4.3 s. A small integer (int32, a Smi) skips the cache and is
 * written a little faster by String().
 */
function numberText(value: number): string {
  return (value | 0) === value ? String(value) : JSON.stringify(value);
}

function stringify(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    // what a toJSON() threw, read with care: null, a string, a revoked Proxy (was: prun's own
    // TypeError for null, "undefined" for a string)
    throw cannotWrite(messageOrName(errorData(error)));
  }
  if (text === undefined) throw cannotWrite(itIs(value));
  return text;
}

/** What a value that JSON cannot write is: `it is a function`, `it is an object` (one whose toJSON gave nothing). */
function itIs(value: unknown): string {
  const kind = typeof value;
  return `it is ${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
}

function cannotWrite(why: string): TypeError {
  return new TypeError(`result cannot be written as JSON: ${why}`);
}
