/**
 * About how many bytes values hold: the library's results (the function's own values, not
 * text) and its caller's inputs, what the read-ahead window counts of them, as it counts text
 * by its length. Without it only the count of inputs bounded the window, and a count grown
 * for fast inputs (thousands a batch) let 100 KB strings pile up to gigabytes behind a slow
 * consumer (was: a thread run out of heap at 3 GB: a review).
 *
 * An estimate, at a bounded cost, on the main thread: strings by their length, binary data by
 * its byteLength, containers by what they hold. Every node looked at, a number as much as an
 * object, spends one of NODES_PER_VALUE; a long array, map or set is judged by SAMPLE of its
 * entries, scaled up, and a long list of values likewise (was: every entry of an array or an
 * object of numbers walked, 100 s for a sparse array of length 1e9: a review).
 */
const NODES_PER_VALUE = 256;
/** Entries of a long array, map or set, or values of a long run, looked at. */
const SAMPLE = 32;
/** What a number, a boolean or a reference costs, about. */
const WORD = 8;

/** The size of a list of values, from `sample` of them at most. */
export function valuesSize(values: readonly unknown[], sample = SAMPLE): number {
  return sampled(values.length, (at) => valueSize(values[at]), sample);
}

/** One value's size. */
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
    budget--;
    if (typeof node === 'string') return node.length;
    if (typeof node !== 'object' || node === null) return WORD;
    // shared memory is held once, however many values refer to it, and never copied (was: a
    // 100 MB SharedArrayBuffer in every input, counted each time, ran them one at a time: a review)
    if (ArrayBuffer.isView(node)) return node.buffer instanceof SharedArrayBuffer ? WORD : node.byteLength;
    if (node instanceof SharedArrayBuffer) return WORD;
    if (node instanceof ArrayBuffer) return node.byteLength;
    // a value met again is held once (structured clone keeps shared references shared)
    if (seen.has(node) || budget < 0) return WORD;
    seen.add(node);
    if (Array.isArray(node)) return WORD + sampled(node.length, (at) => (at in node ? size(node[at]) : 0));
    if (node instanceof Map) return WORD + sampledEntries(node.size, node, ([key, entry]: [unknown, unknown]) => size(key) + size(entry));
    if (node instanceof Set) return WORD + sampledEntries(node.size, node, size);
    // for...in lists every key as it begins (a fifth of what cloning such an object costs):
    // past the budget the rest are only counted, and what was seen is scaled to them
    let seenSize = 0;
    let sized = 0;
    let keys = 0;
    for (const key in node) {
      keys++;
      if (budget <= 0) continue;
      sized++;
      seenSize += key.length + size((node as Record<string, unknown>)[key]);
    }
    return WORD + (sized === keys ? seenSize : Math.round((seenSize * keys) / Math.max(1, sized)));
  };
  return size(value);
}

/** The sum of `sizeAt` over `length` entries, from `sample` of them evenly spread when there are more. */
function sampled(length: number, sizeAt: (at: number) => number, sample = SAMPLE): number {
  if (length <= sample) {
    let total = 0;
    for (let at = 0; at < length; at++) total += sizeAt(at);
    return total;
  }
  const step = length / sample;
  let total = 0;
  for (let i = 0; i < sample; i++) total += sizeAt(Math.floor(i * step));
  return Math.round((total * length) / sample);
}

/** The sum of `sizeOf` over a map's or a set's `count` entries, from its first SAMPLE. */
function sampledEntries<T>(count: number, entries: Iterable<T>, sizeOf: (entry: T) => number): number {
  let total = 0;
  let seen = 0;
  for (const entry of entries) {
    if (seen === SAMPLE) break;
    total += sizeOf(entry);
    seen++;
  }
  return seen === 0 ? 0 : Math.round((total * count) / seen);
}
