import { usageError } from '../errors.js';
import { type Delivery, discard } from '../model/delivery.js';
import { describe } from './arguments.js';
import type { RunControls } from './running.js';

/** The library's way to cancel a run from outside its loop, as fetch and p-map take one. */
export interface AbortOption {
  /**
   * Aborting it stops the run at once: no input starts, running ones are ended with their
   * workers (or commands) and every process those started, and the loop throws the signal's
   * reason once they are gone; outcomes not yet taken are dropped. It also ends a `next()`
   * that waits, which `return()` cannot: an async generator's return waits for it. `null`,
   * as fetch takes it, is no signal.
   */
  signal?: AbortSignal | null;
}

/** The caller's signal, or a PrunError ERR_USAGE at the call for anything else. */
export function checkSignal(signal: unknown): void {
  if (signal !== undefined && signal !== null && !(signal instanceof AbortSignal)) {
    throw usageError(`signal must be an AbortSignal, got ${describe(signal)}`);
  }
}

/**
 * The run's deliveries until `signal` aborts. Then the run stops at once ('now'), what it
 * still delivers is let go of (a command's output file closed), and once its workers are gone
 * this throws the signal's reason. The caller yields nothing more once `signal.aborted`, not
 * even the rest of a delivery it holds. A signal aborted before the run started is the
 * caller's to check (throwIfAborted). Without a signal, the deliveries as they are.
 */
export function untilAborted(deliveries: AsyncIterable<Delivery>, run: Pick<RunControls, 'stop' | 'finished'>, signal: AbortSignal | null | undefined): AsyncIterable<Delivery> {
  return signal ? abortable(deliveries, run, signal) : deliveries;
}

async function* abortable(deliveries: AsyncIterable<Delivery>, run: Pick<RunControls, 'stop' | 'finished'>, signal: AbortSignal): AsyncGenerator<Delivery> {
  let aborted = false;
  const onAbort = (): void => {
    aborted = true;
    run.stop('now');
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    // not a break: the deliveries end once the stop has ended what ran, and only then is
    // everything the run started gone (was: the output files of the commands still to come
    // stayed open, in /dev/shm, until the caller's process exited: a review)
    for await (const delivery of deliveries) {
      if (aborted) discard(delivery);
      else yield delivery;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  // an abort after the last delivery came is too late to change anything
  if (!aborted) return;
  await run.finished;
  throw signal.reason;
}
