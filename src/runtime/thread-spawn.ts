import { Worker } from 'node:worker_threads';
import { WORKER_SEMI_SPACE_MB } from './heap-settings.js';
import { markedEnvironment, newWorkerMark } from './owner-mark.js';

const entry = new URL('../worker/thread-entry.js', import.meta.url);
/** V8's young generation is two semi-spaces and a space for large new objects, each this size. */
const YOUNG_GENERATION_MB = 3 * WORKER_SEMI_SPACE_MB;

/** A worker thread and the mark of the processes it starts (owner-mark.ts). */
export interface MarkedThread {
  worker: Worker;
  mark: string;
}

/** A worker thread started ahead, until a pool takes it, and whether it keeps its heap small. */
let early: (MarkedThread & { keepsSmall: boolean }) | undefined;

/**
 * Starts one worker thread before the CLI has loaded its own modules: a thread takes ~22 ms
 * to boot and the modules ~15 ms to load, so the two overlap instead of adding up. It does
 * nothing until a pool takes it and sends it the script, and keeps nobody waiting if none
 * does. Only the CLI calls this (from bin/prun.js); small enough to load first.
 */
export function prestartThread(keepsSmall: boolean): void {
  early ??= { ...spawnThread(undefined, keepsSmall), keepsSmall };
  early.worker.unref();
}

/**
 * A worker thread running prun's worker loop: the one started ahead, when it fits. One that
 * keeps its heap small (runtime/heap-settings.ts) gets small semi-spaces; one that runs many
 * tasks at once keeps V8's, which grow to 16 MiB: most of what a hundred fetches in flight
 * allocate lives longer than 2 MiB of allocation, and copying it out of small semi-spaces
 * made a thread's garbage collection 2-3x one Node process's doing the same fetches.
 */
export function takeThread(memoryLimitMb: number | undefined, keepsSmall: boolean): MarkedThread {
  const taken = early;
  early = undefined;
  if (taken && memoryLimitMb === undefined && taken.keepsSmall === keepsSmall) {
    taken.worker.ref();
    return taken;
  }
  void taken?.worker.terminate();
  return spawnThread(memoryLimitMb, keepsSmall);
}

function spawnThread(memoryLimitMb: number | undefined, keepsSmall: boolean): MarkedThread {
  const mark = newWorkerMark();
  const worker = new Worker(entry, {
    // the thread's own process.env, inherited by what its tasks start
    env: markedEnvironment(mark),
    execArgv: threadExecArgv(process.execArgv),
    // console output of the user's function must never reach our stdout: the pool relays
    // both of the worker's streams to our stderr
    stdout: true,
    stderr: true,
    resourceLimits: {
      ...(keepsSmall ? { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } : {}),
      ...(memoryLimitMb === undefined ? {} : { maxOldGenerationSizeMb: memoryLimitMb }),
    },
  });
  return { worker, mark };
}

/**
 * The program's Node options, as a thread inherits them, but --input-type: it speaks of the
 * program's own code given as a string (`node --input-type=module -e ...`), and a thread of a
 * file refuses to start with it (was: every thread of map() in such a program died at start,
 * ERR_WORKER_START).
 */
export function threadExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    if (execArgv[i] === '--input-type') i++;
    else if (!execArgv[i]!.startsWith('--input-type=')) kept.push(execArgv[i]!);
  }
  return kept;
}
