import { setFlagsFromString } from 'node:v8';
import { boundBufferGrowth } from './heap-governor.js';

/**
 * Inputs and results die young, yet V8 grows a heap's semi-spaces towards 16 MiB each under
 * prun's allocation rate, in every isolate, which made the tree's memory grow with the length
 * of the input. Those of each worker that keeps its heap small (`keepsHeapSmall`) are capped
 * at this size: a thread's by a resource limit, a forked worker's by --max-semi-space-size at
 * its start. A V8 flag given at start costs that process Node's code cache (~20 ms more to
 * start a run of --procs 2), but the other way, stopping the growth from inside at the
 * initial 1 MiB, cost more than it saved: a forked worker spent 30% of its time collecting
 * garbage, and seq 1e6 | prun map square.ts --procs 2 took 1.22 s
 * against 1.07 s with 2 MiB given at start (medians of 8 interleaved rounds; peak tree RSS
 * 204 and 205 MB at 1e6, 227 and 217 MB at 1e7).
 */
export const WORKER_SEMI_SPACE_MB = 2;

/**
 * How far past what survived its last full collection V8 lets an old generation grow before
 * the next one, instead of up to 4x when collecting looks cheap: a busy worker's old generation
 * went from 4 MB live to 13-31 MB between collections (--trace-gc). Given to every isolate that
 * keeps its heap small; it costs no time measured, unlike asking for collections
 * (heap-governor.ts). seq 1e7 | prun map square.ts, peak tree RSS, medians of 3, before ->
 * after (flag and governor of ArrayBuffers only): --threads 2 132 -> 121 MB, --procs 2 219 -> 216 MB.
 */
const HEAP_GROWTH_FLAG = '--heap-growing-percent=20';

/**
 * Whether a worker keeps its heap small (small semi-spaces, the flags here, heap-governor.ts).
 * Only a worker of one task at a time does. One that runs many async tasks at once holds the
 * state of all of them (a fetch's request, socket and streams, a hundred times over): its old
 * generation grows past the governor's slack with every round of requests, and the full collections
 * forced that often cost it more than its own work. 10,000 fetches of a local page,
 * --threads 1 --concurrency 100: 31 to 40 forced collections and 7.8 to 11.4 s of user
 * CPU, against 5.5 to 5.9 s without them; 20,000 with --procs 1: 12.2 s against 8.3 s.
 * The price is memory, which V8's own limits bound and which levels off: --threads 4
 * --concurrency 25, peak RSS 163 MB for 2,000 fetches, 299 MB for 20,000 (176 MB with the
 * governor), 330 MB for 60,000.
 */
export function keepsHeapSmall(concurrency: number): boolean {
  return concurrency === 1;
}

/**
 * The V8 flags a forked worker starts with: none for one that runs many tasks at once, whose
 * semi-spaces must grow (runtime/thread-spawn.ts says why) and which then keeps Node's code cache.
 */
export function forkedWorkerFlags(concurrency: number): string[] {
  return keepsHeapSmall(concurrency) ? [`--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`, HEAP_GROWTH_FLAG] : [];
}

/**
 * Keeps the CLI's heap small from now on: its semi-spaces at their initial size (1 MiB), its
 * old generation grown by a fifth at a time, and its ArrayBuffers near what it holds
 * (heap-governor.ts), all for one reason: memory that grows with the length of the input.
 * Not while worker threads are booting: a flag changed at run time costs each thread started
 * after it the code cache all the same (~40 ms of CPU each, profiled), so only a thread that
 * replaces another pays it. Never while busy worker threads share the process (see
 * `keepsHeapSmall`): V8's flags are the whole process's, and with semi-spaces that never grow a
 * thread of a hundred fetches spent 2-3x the time collecting garbage that one Node process
 * does (260-440 ms a profile of 2,000 fetches, against 120 ms), and the builtins it loads
 * late (fetch's undici, at the first request) lost their code cache to the changed flags.
 */
export function keepHeapSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString(HEAP_GROWTH_FLAG);
  boundBufferGrowth();
}
