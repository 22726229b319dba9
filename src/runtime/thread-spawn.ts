import { Worker, type WorkerOptions } from 'node:worker_threads';
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
  const options: WorkerOptions = {
    // the thread's own process.env, inherited by what its tasks start
    env: markedEnvironment(mark),
    // console output of the user's function must never reach our stdout: the pool relays
    // both of the worker's streams to our stderr
    stdout: true,
    stderr: true,
    resourceLimits: {
      ...(keepsSmall ? { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } : {}),
      ...(memoryLimitMb === undefined ? {} : { maxOldGenerationSizeMb: memoryLimitMb }),
    },
  };
  const execArgv = threadExecArgv(process.execArgv);
  if (execArgv === undefined) return { worker: new Worker(entry, options), mark };
  try {
    return { worker: new Worker(entry, { ...options, execArgv }), mark };
  } catch (error) {
    // given execArgv, Node refuses options of the whole process (--max-old-space-size) that it
    // lets a thread inherit when none is given: the thread then goes without the program's options
    if ((error as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error;
    return { worker: new Worker(entry, { ...options, execArgv: [] }), mark };
  }
}

/**
 * The program's Node options for a thread, when they must differ from what it inherits by
 * default (undefined): without --input-type, which speaks of the program's own code given as a
 * string (`node --input-type=module -e ...`), and with which a thread of a file refuses to
 * start (was: every thread of map() in such a program died at start, ERR_WORKER_START).
 */
export function threadExecArgv(execArgv: readonly string[]): string[] | undefined {
  if (!execArgv.some((arg) => arg === '--input-type' || arg.startsWith('--input-type='))) return undefined;
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    if (execArgv[i] === '--input-type') i++;
    else if (!execArgv[i]!.startsWith('--input-type=')) kept.push(execArgv[i]!);
  }
  return kept;
}
