import type { Readable } from 'node:stream';

/**
 * A line longer than this is passed on in pieces: held whole, one line without a newline
 * would hold memory without bound.
 */
const MAX_HELD_CHARS = 1 << 20;

/**
 * Passes a worker's output to ours a whole line at a time, so that a line one worker writes
 * in pieces is never split by another's; what is left without a newline goes at the end.
 */
export function relayLines(from: Readable, write: (text: string) => void): void {
  // the pieces of the line not yet ended, joined once it ends: searching the whole of it for
  // a newline at every chunk took quadratic time on a line of megabytes
  let held: string[] = [];
  let heldChars = 0;
  from.setEncoding('utf8');
  from.on('data', (chunk: string) => {
    const end = chunk.lastIndexOf('\n') + 1;
    if (end === 0) {
      held.push(chunk);
      heldChars += chunk.length;
      if (heldChars > MAX_HELD_CHARS) release();
      return;
    }
    held.push(chunk.slice(0, end));
    release();
    if (end < chunk.length) {
      held.push(chunk.slice(end));
      heldChars = chunk.length - end;
    }
  });
  from.on('end', release);

  function release(): void {
    const text = held.join('');
    held = [];
    heldChars = 0;
    if (text) write(text);
  }
}
