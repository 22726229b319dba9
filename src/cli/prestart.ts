/** What bin/prun.js may start before it loads the CLI: an entry of its own, to load little. */
import { keepsHeapSmall } from '../runtime/heap-settings.js';
import { prestartThread } from '../runtime/thread-spawn.js';

export { ownStdoutPipe, takeStdout } from './stdout-takeover.js';
export { noteChildrenBornWith } from './end-descendants.js';

/** Starts a worker thread ahead, of the kind the command line asks for (src/runtime/thread-spawn.ts). */
export function prestartThreadFor(args: readonly string[]): void {
  prestartThread(keepsHeapSmall(concurrencyAsked(args)));
}

/**
 * Whether the command line asks for --joblog, read before commander parses it: its rows wait
 * on the results' writes, which the stdout takeover must then be able to confirm.
 */
export function joblogAsked(args: readonly string[]): boolean {
  return args.some((arg) => arg === '--joblog' || arg.startsWith('--joblog='));
}

/**
 * The --concurrency of the command line, read before commander parses it (the last one given
 * counts, as there). Only a guess of which thread to start ahead: a pool that finds the thread
 * started ahead is of the wrong kind ends it and starts another.
 */
export function concurrencyAsked(args: readonly string[]): number {
  for (let i = args.length - 1; i >= 0; i--) {
    const arg = args[i]!;
    const value = arg === '--concurrency' ? args[i + 1] : arg.startsWith('--concurrency=') ? arg.slice('--concurrency='.length) : undefined;
    if (value !== undefined) return Number(value) || 1;
  }
  return 1;
}
