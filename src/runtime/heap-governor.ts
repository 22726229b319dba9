import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** How often the bytes held by ArrayBuffers are looked at (a look costs microseconds). */
const CHECK_MS = 40;
/**
 * Growth of the bytes held by ArrayBuffers past their lowest since the last collection that
 * starts a full one, by default. Less collects more often: 3 MB cost the CLI and forked
 * workers ~20% more CPU (seq 1e6, --procs 2, user time), 6 MB ~5%.
 */
const SLACK_MB = 6;

let started = false;

/**
 * Keeps this isolate's ArrayBuffers near what it holds, however long the input. Every batch
 * passes through a few ArrayBuffers (the read, the batch's own copy of its lines, the bytes
 * crossing to a worker) that outlive a scavenge or two, so they are promoted and only a full
 * collection frees them; their JS objects are tiny, so the old generation fills too slowly to
 * start one, and V8 waits for 64 MB of external memory: malloc's heap grew, and stayed grown,
 * fragmented (CLI, seq 3e7 | prun map square.ts --threads 2: 36 MB of it, 10 MB in use).
 * So a full collection, concurrent with the work, is asked for whenever the ArrayBuffers hold
 * `slackMb` more than their lowest since the last one.
 *
 * Not for the heap itself: V8 is told to grow it less (heap-settings.ts). Asking for a full
 * collection whenever the old generation grew by the slack kept peaks a few MB lower, but every
 * collection asked for throws away the optimized code of the hot loop ("weak objects",
 * --trace-deopt: 17 deoptimizations in a run of 1e6 inputs, none without), and optimizing it
 * again cost more than the collection: seq 1e6 | prun map square.ts, wall time against the
 * build of BENCH.md (medians of 10 interleaved rounds), --procs 2 +23% and --threads 2 +8%
 * with the heap looked at, +1.5% and -3% without; peak tree RSS at 1e7 3-6 MB higher.
 *
 * Only for prun's own processes and threads. Not while worker threads boot: a V8 flag
 * changed at run time costs every thread started after it Node's code cache.
 */
export function boundBufferGrowth(slackMb = SLACK_MB): void {
  const slack = slackMb * 1024 * 1024;
  if (started) return;
  started = true;
  setFlagsFromString('--expose-gc');
  // the flag exposes gc() to contexts made after it, not to those already running code
  const gc = runInNewContext('gc') as (options: { type: 'major'; execution: 'async' }) => void;
  // never process.memoryUsage(): it opens /proc/self/stat, and a function that closed fd 1
  // would have it opened as fd 1, which libuv's close then aborts on (uv__close: fd > 2)
  let low = getHeapStatistics().external_memory;
  setInterval(() => {
    const held = getHeapStatistics().external_memory;
    low = Math.min(low, held);
    if (held - low < slack) return;
    gc({ type: 'major', execution: 'async' });
    low = held;
  }, CHECK_MS).unref();
}
