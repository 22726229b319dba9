import { setFlagsFromString } from 'node:v8';
import { boundHeapGrowth } from './heap-governor.js';

/**
 * Inputs and results die young, yet V8 grows a heap's semi-spaces towards 16 MiB each under
 * prun's allocation rate, in every isolate, which made the tree's memory grow with the length
 * of the input. Starting node with --max-semi-space-size would cap them, but any V8 flag
 * given at start costs every later isolate Node's code cache: worker threads took ~16 ms
 * longer to start, forked workers ~14 ms. So threads get a resource limit, and processes
 * (prun's forked workers, and the CLI's own once its workers are up) stop the growth from
 * inside, where it costs nothing at start.
 */
export const WORKER_SEMI_SPACE_MB = 2;

/**
 * Keeps this process's heap small from now on: its semi-spaces at their initial size (1 MiB),
 * and its old generation near what it holds (heap-governor.ts). Not while
 * worker threads are booting: a flag changed at run time costs each thread started after
 * it the code cache all the same (~40 ms of CPU each, profiled), so only a thread that
 * replaces another pays it. Both for the same processes, at the same moment, for the same
 * reason: memory that grows with the length of the input.
 */
export function keepHeapSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
  boundHeapGrowth();
}
