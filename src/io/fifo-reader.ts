import { closeSync, constants, openSync } from 'node:fs';
import { pathStats } from '../system/sync-stat.js';
import { constants as os } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';

/** How often a FIFO is tried for a reader: a try is one open(2) that fails at once. */
const TRY_MS = 20;
/** How long a wait goes unsaid: a reader started right after prun comes within it. */
const SAY_AFTER_MS = 1000;

/**
 * Waits, without blocking, until the FIFO at `path` has a reader; at once for anything else.
 * Opening a FIFO to write blocks in open(2) until a reader comes, deaf to every signal but
 * SIGKILL: Node's handlers run on the event loop that open(2) holds. Opened O_NONBLOCK, it
 * fails with ENXIO while no one reads, so it is tried every TRY_MS, on a timer.
 *
 * The write end found is held open until the returned release() is called, once the output's
 * own open has been made: that open then finds the reader at once, and the reader sees no end
 * of file in between, as it would were this one closed first (`cat fifo` would exit).
 * `waiting` is called once, after a second without a reader. Any other error is left for the
 * output's own open to say, in its words.
 */
export async function holdFifoReader(path: string, waiting: () => void): Promise<() => void> {
  if (!pathStats(path, { throwIfNoEntry: false })?.isFIFO()) return () => {};
  const started = Date.now();
  let said = false;
  for (;;) {
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
      return () => closeSync(fd);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO') return () => {};
    }
    if (!said && Date.now() - started >= SAY_AFTER_MS) {
      said = true;
      waiting();
    }
    await delay(TRY_MS);
  }
}

/**
 * Opens an output to write as `flags` says, a FIFO only to write, and only while it has a
 * reader (which holdFifoReader() waited for). Opened to read too (`a+`, --failed-out under
 * --resume), a FIFO had prun for a reader of its own: when the real one went, what prun wrote
 * was never read, and no write failed (was: failures lost in silence, a review). And a reader
 * gone since the wait left the blocking open(2) waiting for another, deaf to every signal but
 * SIGKILL: tried O_NONBLOCK first, it fails at once, as a write would (EPIPE).
 */
export function openOutput(path: string, flags: 'a' | 'a+' | 'w'): number {
  if (!pathStats(path, { throwIfNoEntry: false })?.isFIFO()) return openSync(path, flags);
  try {
    closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
    throw Object.assign(new Error('EPIPE'), { code: 'EPIPE', errno: -os.errno.EPIPE });
  }
  // a reader is there now: this open returns at once
  return openSync(path, 'a');
}
