import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** How often the bytes held by ArrayBuffers are looked at. */
const CHECK_MS = 250;
/** ArrayBuffer bytes allowed to pile up beyond the lowest level seen since the last collection. */
const SLACK_BYTES = 8 * 1024 * 1024;

let started = false;

/**
 * Every batch passes through a few ArrayBuffers (the read, the batch's own copy of its lines,
 * the bytes that cross to a forked worker). They outlive a scavenge or two, so they are
 * promoted, and then only a full collection frees them; but their JS objects are tiny, so the
 * old generation fills too slowly to start one, and V8 waits for 64 MB of external memory
 * before it does. Meanwhile malloc's heap grows, and stays grown, fragmented: the CLI's
 * memory rose with the length of the input (seq 3e7 | prun map --threads 2: 5 -> 36 MB of
 * malloc heap, 10 MB of it in use; peak tree RSS 1e6: 102 MB, 3e7: 146 MB). So a process
 * that streams batches asks for a full collection, concurrent with it running, whenever
 * ArrayBuffers hold SLACK_BYTES more than they did; a heap this small collects in a few ms.
 *
 * Not for library callers: their process is theirs. Not while worker threads boot either: a
 * V8 flag changed at run time costs every thread started after it Node's code cache.
 */
export function collectArrayBuffersPromptly(): void {
  if (started) return;
  started = true;
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (options: { type: 'major'; execution: 'async' }) => void;
  let low = process.memoryUsage().arrayBuffers;
  setInterval(() => {
    const held = process.memoryUsage().arrayBuffers;
    low = Math.min(low, held);
    if (held - low < SLACK_BYTES) return;
    gc({ type: 'major', execution: 'async' });
    low = held;
  }, CHECK_MS).unref();
}
