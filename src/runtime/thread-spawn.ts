import { Worker } from 'node:worker_threads';
import { WORKER_SEMI_SPACE_MB } from './heap-settings.js';

const entry = new URL('../worker/thread-entry.js', import.meta.url);
/** V8's young generation is two semi-spaces and a space for large new objects, each this size. */
const YOUNG_GENERATION_MB = 3 * WORKER_SEMI_SPACE_MB;

/** A worker thread started ahead, until a pool takes it. */
let early: Worker | undefined;

/**
 * Starts one worker thread before the CLI has loaded its own modules: a thread takes ~22 ms
 * to boot and the modules ~15 ms to load, so the two overlap instead of adding up. It does
 * nothing until a pool takes it and sends it the script, and keeps nobody waiting if none
 * does. Only the CLI calls this (from bin/prun.js); small enough to load first.
 */
export function prestartThread(): void {
  early ??= spawnThread(undefined);
  early.unref();
}

/** A worker thread running prun's worker loop: the one started ahead, when it fits. */
export function takeThread(memoryLimitMb: number | undefined): Worker {
  const worker = early;
  early = undefined;
  if (worker && memoryLimitMb === undefined) {
    worker.ref();
    return worker;
  }
  void worker?.terminate();
  return spawnThread(memoryLimitMb);
}

function spawnThread(memoryLimitMb: number | undefined): Worker {
  return new Worker(entry, {
    // console output of the user's function must never reach our stdout: the pool relays
    // both of the worker's streams to our stderr
    stdout: true,
    stderr: true,
    resourceLimits: {
      maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
      ...(memoryLimitMb === undefined ? {} : { maxOldGenerationSizeMb: memoryLimitMb }),
    },
  });
}
