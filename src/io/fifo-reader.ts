import { closeSync, constants, openSync, statSync } from 'node:fs';
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
  if (!statSync(path, { throwIfNoEntry: false })?.isFIFO()) return () => {};
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
