import { fileURLToPath } from 'node:url';
import { quoted, usageError } from '../errors.js';

/**
 * The script as a path: a path, a `file:` URL string, or a URL (`new URL('./task.ts',
 * import.meta.url)`, which names it from the caller's own folder whatever the cwd).
 */
export function scriptPath(script: unknown): string {
  if (script instanceof URL) return pathOfUrl(script.href);
  if (typeof script === 'string' && script.startsWith('file:')) return pathOfUrl(script);
  if (typeof script === 'string' && script.trim() !== '') return script;
  throw usageError(`script must be a path, a file: URL or a URL, got ${describe(script)}`);
}

function pathOfUrl(url: string): string {
  try {
    return fileURLToPath(url);
  } catch {
    throw usageError(`script must be a file: URL, got ${JSON.stringify(url)}`);
  }
}

/** Inputs are an iterable or an async iterable; a string is taken for a mistake, not for its characters. */
export function checkInputs(inputs: unknown): asserts inputs is Iterable<unknown> | AsyncIterable<unknown> {
  const iterable =
    typeof inputs === 'object' && inputs !== null && (Symbol.iterator in inputs || Symbol.asyncIterator in inputs);
  if (!iterable) throw usageError(`inputs must be an iterable or an async iterable (an array, a generator), got ${describe(inputs)}`);
}

export function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  // NaN and Infinity too, which JSON writes as null
  if (typeof value === 'bigint' || typeof value === 'symbol' || typeof value === 'number') return String(value);
  try {
    return quoted(value);
  } catch {
    return String(value);
  }
}
