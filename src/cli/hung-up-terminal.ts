import { closeSync, writeSync } from 'node:fs';

const NOTHING = Buffer.alloc(0);

/**
 * Closes each standard descriptor whose terminal has hung up (its window closed, its ssh
 * dropped), just before prun exits. Node puts every terminal it started on back as it found
 * it when it exits, and aborts, with a native stack trace, when that fails, as it does on a
 * terminal that is gone: prun died of SIGSEGV after its summary instead of exiting 129
 * (https://github.com/nodejs/node/issues/51519, fixed in Node 24 by nodejs/node#58200). Node
 * leaves a closed descriptor alone. A write of nothing tells a hung-up terminal (EIO; it is no
 * longer a terminal to isatty()) from one still there, whose settings are put back as before,
 * and from a pipe or a file (nothing happens).
 */
export function releaseHungUpTerminal(): void {
  for (const fd of [0, 1, 2]) {
    try {
      writeSync(fd, NOTHING);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EIO') closeSync(fd);
    }
  }
}
