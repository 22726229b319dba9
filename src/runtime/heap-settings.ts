import { setFlagsFromString } from 'node:v8';
import { boundHeapGrowth } from './heap-governor.js';

/**
 * Inputs and results die young, yet V8 grows a heap's semi-spaces towards 16 MiB each under
 * prun's allocation rate, in every isolate, which made the tree's memory grow with the length
 * of the input. Each worker's are capped at this size: a thread's by a resource limit, a forked
 * worker's by --max-semi-space-size at its start. A V8 flag given at start costs that process
 * Node's code cache (~20 ms more to start a run of --procs 2), but the other way, stopping the
 * growth from inside at the initial 1 MiB, cost more than it saved: a forked worker spent 30%
 * of its time collecting garbage, and seq 1e6 | prun map square.ts --procs 2 took 1.22 s
 * against 1.07 s with 2 MiB given at start (medians of 8 interleaved rounds; peak tree RSS
 * 204 and 205 MB at 1e6, 227 and 217 MB at 1e7).
 */
export const WORKER_SEMI_SPACE_MB = 2;

/**
 * Keeps the CLI's heap small from now on: its semi-spaces at their initial size (1 MiB),
 * and its old generation near what it holds (heap-governor.ts). Not while
 * worker threads are booting: a flag changed at run time costs each thread started after
 * it the code cache all the same (~40 ms of CPU each, profiled), so only a thread that
 * replaces another pays it. Both at the same moment, for the same reason: memory that grows
 * with the length of the input.
 */
export function keepHeapSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
  boundHeapGrowth();
}
