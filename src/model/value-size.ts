/**
 * About how many bytes results given as values hold (the library's `map`, whose results are
 * the function's own values, not text): what the read-ahead window counts of them, as it
 * counts text by its length. Without it only the count of inputs bounded the window, and a
 * count grown for fast inputs (thousands a batch) let 100 KB strings pile up to gigabytes
 * behind a slow consumer (was: a thread run out of heap at 3 GB: a review).
 *
 * An estimate, at a bounded cost: strings by their length, binary data by its byteLength,
 * containers by what they hold, walked to at most NODES_PER_VALUE nodes a value, and long
 * lists of values by an even sample of them, scaled up.
 */
const NODES_PER_VALUE = 256;
const SAMPLED_VALUES = 64;
/** What a number, a boolean or a reference costs, about. */
const WORD = 8;

export function valuesSize(values: readonly unknown[]): number {
  if (values.length <= SAMPLED_VALUES) return values.reduce<number>((sum, value) => sum + valueSize(value), 0);
  const step = values.length / SAMPLED_VALUES;
  let sampled = 0;
  for (let i = 0; i < SAMPLED_VALUES; i++) sampled += valueSize(values[Math.floor(i * step)]);
  return Math.round((sampled * values.length) / SAMPLED_VALUES);
}

/** One value's size, its walk stopped after NODES_PER_VALUE nodes (what is past them is not counted). */
export function valueSize(value: unknown): number {
  try {
    return walk(value);
  } catch {
    // a getter or a proxy that throws: the value is someone's own, not a copy; count it small
    return WORD;
  }
}

function walk(value: unknown): number {
  let budget = NODES_PER_VALUE;
  const seen = new Set<object>();
  const size = (node: unknown): number => {
    if (typeof node === 'string') return node.length;
    if (typeof node !== 'object' || node === null) return WORD;
    if (ArrayBuffer.isView(node)) return node.byteLength;
    if (node instanceof ArrayBuffer || node instanceof SharedArrayBuffer) return node.byteLength;
    // a value met again is held once (structured clone keeps shared references shared)
    if (seen.has(node) || --budget < 0) return WORD;
    seen.add(node);
    let total = WORD;
    const add = (part: unknown): boolean => {
      total += size(part);
      return budget > 0;
    };
    if (node instanceof Map) {
      for (const [key, entry] of node) if (!add(key) || !add(entry)) break;
    } else if (node instanceof Set || Array.isArray(node)) {
      for (const entry of node as Iterable<unknown>) if (!add(entry)) break;
    } else {
      for (const key in node) if (!add(key) || !add((node as Record<string, unknown>)[key])) break;
    }
    return total;
  };
  return size(value);
}
