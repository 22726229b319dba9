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
 * An object JSON would write without what it holds: a Map or a Set with entries (as `{}`, or
 * as its own fields only), an Error (its message and stack are not its own enumerable fields),
 * an instance with no fields of its own (a generator, as a default export written
 * `async function*` returns; a class with only #private fields). Was: printed `{}`, exit 0,
 * what it held silently gone (a review). Only the result itself is looked at, not what it
 * holds: a Map inside an object is still written `{}` (README).
 */
function refuseOpaque(result: unknown): void {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return;
  const prototype: unknown = Object.getPrototypeOf(result);
  if (prototype === Object.prototype || prototype === null) return;
  if (result instanceof Error) throw cannotWrite('it is an Error: JSON would write its own fields only, not its message (throw it to fail the input, or return the fields wanted)');
  if (result instanceof Map || result instanceof Set) {
    const entries = sizeOf(result);
    if (entries === 0) return;
    const [kind, instead] = result instanceof Map ? ['Map', 'return Object.fromEntries(map)'] : ['Set', 'return [...set]'];
    throw cannotWrite(`it is a ${kind} of ${entries}: JSON would write none of them (${instead})`);
  }
  if (writtenAsItself(result) || Object.keys(result).length > 0) return;
  throw cannotWrite(`it is an object of class ${className(result)} with no fields of its own: JSON would write it as {}`);
}

/** A Map's or a Set's size; 0 for a Proxy of one that will not say (written as before). */
function sizeOf(collection: Map<unknown, unknown> | Set<unknown>): number {
  try {
    return collection.size;
  } catch {
    return 0;
  }
}

/**
 * What JSON writes as itself whatever its fields: a toJSON(), a boxed primitive (its value), a
 * typed array (its elements, none when empty), a plain object made in another realm (vm).
 */
function writtenAsItself(value: object): boolean {
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return true;
  if (value instanceof Number || value instanceof Boolean || value instanceof String) return true;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return true;
  const prototype: unknown = Object.getPrototypeOf(value);
  return Object.prototype.toString.call(value) === '[object Object]' && typeof prototype === 'object' && prototype !== null && Object.getPrototypeOf(prototype) === null;
}

function className(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : Object.prototype.toString.call(value).slice(8, -1);
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
