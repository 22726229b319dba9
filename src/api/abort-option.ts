import { usageError } from '../errors.js';
import { describe } from './arguments.js';
import type { RunControls } from './running.js';

/** The library's way to cancel a run from outside its loop, as fetch and p-map take one. */
export interface AbortOption {
  /**
   * Aborting it stops the run at once: no input starts, running ones are ended with their
   * workers (or commands) and every process those started, and the loop throws
   * the signal's reason once they are gone; outcomes not yet taken are dropped. It also ends a
   * `next()` that waits, which `return()` cannot: an async generator's return waits for it.
   */
  signal?: AbortSignal;
}

/** The caller's signal, or a PrunError ERR_USAGE at the call for anything else. */
export function checkSignal(signal: unknown): void {
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw usageError(`signal must be an AbortSignal, got ${describe(signal)}`);
  }
}

/**
 * The run's deliveries until `signal` aborts. Then the run stops at once ('now'), what it
 * still delivers is dropped, and once its workers are gone this throws the signal's reason.
 * A signal aborted before the run started is the caller's to check (throwIfAborted).
 */
export async function* untilAborted<T>(deliveries: AsyncIterable<T>, run: Pick<RunControls, 'stop' | 'finished'>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  if (!signal) return yield* deliveries;
  let aborted = false;
  const onAbort = (): void => {
    aborted = true;
    run.stop('now');
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    // not a break: the deliveries end once the stop has ended what ran, and only then is
    // everything the run started gone
    for await (const delivery of deliveries) if (!aborted) yield delivery;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  // an abort after the last delivery came is too late to change anything
  if (!aborted) return;
  await run.finished;
  throw signal.reason;
}
