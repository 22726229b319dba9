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
    holdWhileStderrFull(from);
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

/** Workers' streams paused while prun's stderr is full: all resumed at its one next drain. */
const pausedOnStderr = new Set<Readable>();

/**
 * Stops reading a worker's output while prun's stderr holds writes its reader has not taken
 * past its high-water mark: a forked worker then waits in its own write, as it would on a full
 * pipe (was: a reader of stderr that did not read made prun hold all of it: a million lines of
 * console.error, 356 MB). A worker thread's output arrives all the same, posted to us; the
 * pause only delays its writes' callbacks. A stderr that closes holds nothing back.
 */
function holdWhileStderrFull(from: Readable): void {
  const stderr = process.stderr;
  if (!stderr.writableNeedDrain || stderr.destroyed) return;
  from.pause();
  if (pausedOnStderr.size === 0) {
    stderr.once('drain', resumeAll);
    stderr.once('close', resumeAll);
  }
  pausedOnStderr.add(from);
}

function resumeAll(): void {
  process.stderr.off('drain', resumeAll);
  process.stderr.off('close', resumeAll);
  for (const from of pausedOnStderr) from.resume();
  pausedOnStderr.clear();
}
