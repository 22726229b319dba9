import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * How often the heap and the bytes held by ArrayBuffers are looked at. A busy worker promotes
 * tens of MB a second: looked at every 100 ms, its old generation was far past the slack
 * before a collection was asked for (seq 1e7 | prun map square.ts --threads 2, peak tree RSS
 * 121 MB against 114 at 40 ms, medians of 3; a look costs microseconds).
 */
const CHECK_MS = 40;
/**
 * Growth past the lowest level seen since the last collection that starts a full one, by
 * default. Less collects more often: 3 MB cost the CLI and forked workers ~20% more CPU
 * (seq 1e6, --procs 2, user time), 6 MB ~5%, within the noise of a shared machine.
 */
const SLACK_MB = 6;
/** Where the young generation lives: what a scavenge frees is no reason for a full collection. */
const YOUNG = new Set(['new_space', 'new_large_object_space']);

/** Bytes of the old generation in use. */
function oldGeneration(): number {
  let used = 0;
  for (const space of getHeapSpaceStatistics()) if (!YOUNG.has(space.space_name)) used += space.space_used_size;
  return used;
}

let started = false;

/**
 * Keeps this isolate's memory near what it holds, however long the input: prun's peak memory
 * rose with the number of inputs (seq N | prun map square.ts --threads 2, peak tree RSS
 * 1e6: 102 MB, 1e7: 131 MB, 3e7: 146 MB), for two reasons. Every batch passes through a few
 * ArrayBuffers (the read, the batch's own copy of its lines, the bytes crossing to a worker)
 * that outlive a scavenge or two, so they are promoted and only a full collection frees them;
 * their JS objects are tiny, so the old generation fills too slowly to start one, and V8
 * waits for 64 MB of external memory: malloc's heap grew, and stayed grown, fragmented (CLI,
 * 3e7: 36 MB of it, 10 MB in use). And in a busy worker V8 lets the old generation grow
 * 16 MB past what survived the last full collection before the next one, a level a short
 * run never reaches (worker heaps, 1e6: 18 MB at most, 1e7: 31 MB).
 *
 * So a full collection, concurrent with the work, is asked for whenever the heap or the
 * ArrayBuffers hold `slackMb` more than their lowest since the last one: collecting a heap
 * of a few live MB takes a few ms, about twice as often as V8 would.
 *
 * Only for prun's own processes and threads. Not while worker threads boot: a V8 flag
 * changed at run time costs every thread started after it Node's code cache.
 */
export function boundHeapGrowth(slackMb = SLACK_MB): void {
  const slack = slackMb * 1024 * 1024;
  if (started) return;
  started = true;
  setFlagsFromString('--expose-gc');
  // the flag exposes gc() to contexts made after it, not to those already running code
  const gc = runInNewContext('gc') as (options: { type: 'major'; execution: 'async' }) => void;
  // never process.memoryUsage(): it opens /proc/self/stat, and a function that closed fd 1
  // would have it opened as fd 1, which libuv's close then aborts on (uv__close: fd > 2)
  let lowBuffers = getHeapStatistics().external_memory;
  let lowHeap = oldGeneration();
  setInterval(() => {
    const arrayBuffers = getHeapStatistics().external_memory;
    const heapUsed = oldGeneration();
    lowBuffers = Math.min(lowBuffers, arrayBuffers);
    lowHeap = Math.min(lowHeap, heapUsed);
    if (arrayBuffers - lowBuffers < slack && heapUsed - lowHeap < slack) return;
    gc({ type: 'major', execution: 'async' });
    lowBuffers = arrayBuffers;
    lowHeap = heapUsed;
  }, CHECK_MS).unref();
}
