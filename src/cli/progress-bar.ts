import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { ProgressTracker } from '../progress/tracker.js';
import { aroundStops } from './job-control.js';
import { formatFinal, formatProgress } from './progress-line.js';
import { terminalColumns } from './terminal-width.js';

/** Redraws on a terminal; off one, a line of its own this often (a log, not an animation). */
const REDRAW_MS = 100;
const LINE_EVERY_MS = 1000;

const CLEAR_LINE = '\r\x1b[2K';
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';

/** What the CLI draws on stderr while a run goes on. */
export interface ProgressView {
  /** Prints a line above the bar, which is then drawn again below it. */
  log(line: string): void;
  /**
   * Ends the display, leaving its last state as one line (`1000/1000 100% in 3.2s, 312/s, 0 failed`),
   * or, with `leaveNothing` (a run that never started: its error's one line says it all), nothing.
   */
  stop(leaveNothing?: boolean): void;
}

type TerminalStream = Writable & { isTTY?: boolean; columns?: number };
type WriteCallback = (error?: Error | null) => void;
type Write = (chunk: string | Uint8Array, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback) => boolean;

/**
 * The progress line on stderr, drawn from the tracker's counts (progress-line.ts says what
 * it shows). On a terminal it is one line redrawn in place at the bottom, and it owns the
 * terminal: everything else written there, on stderr (prun's messages, what the user's
 * function or a command prints) and on stdout when stdout is the same terminal (results),
 * goes above it a whole line at a time, so nothing is drawn over and the bar is never torn
 * in two. Off a terminal (--progress) it is a line of its own every second.
 */
export function startProgressBar(tracker: ProgressTracker, stream: NodeJS.WriteStream, results?: TerminalStream): ProgressView {
  const tty = stream.isTTY === true;
  const direct: Write = stream.write.bind(stream) as Write;
  let drawn = false;
  let redraw: NodeJS.Immediate | undefined;
  const width = (): number => Math.max(20, terminalColumns(stream) - 1);
  // stopped, or continued in the background (`bg`, `kill %1`): the bar is not drawn over the
  // shell's prompt
  let background = false;
  const draw = (): void => {
    redraw = undefined;
    // `fg` of a job running in the background sends no SIGCONT: each draw looks until it is
    if (background) {
      if (!inForeground()) return;
      background = false;
      direct(HIDE_CURSOR);
    }
    const line = formatProgress(tracker.snapshot(), { bar: tty, width: tty ? width() : Number.POSITIVE_INFINITY });
    if (tty) direct(`${CLEAR_LINE}${line}`);
    else direct(`${line}\n`);
    drawn = tty;
  };
  /** Writes text above the bar: the bar is cleared, and drawn again once this turn of the loop is over. */
  let stopped = false;
  let midLine = false; // an unfinished line was written as the display ended
  const above = (write: () => void): void => {
    if (drawn) direct(CLEAR_LINE);
    drawn = false;
    write();
    if (stopped) midLine = true;
    else redraw ??= setImmediate(draw);
  };
  // a run that ends without stop() (a crash) must not leave the terminal without a cursor
  const showCursor = (): void => void direct(SHOW_CURSOR);
  const restores: (() => void)[] = [];
  if (tty) {
    direct(HIDE_CURSOR);
    process.once('exit', showCursor);
    // Ctrl-Z: the shell gets the terminal back with its cursor, and the bar is drawn again on
    // `fg` (was: a shell with no cursor until the run ended, `^Z` glued to the bar)
    restores.push(aroundStops({
      leave: () => {
        // drawn again only in the foreground (draw()): after `bg` the shell's prompt is there
        background = true;
        if (drawn) direct(CLEAR_LINE);
        drawn = false;
        direct(SHOW_CURSOR);
      },
      back: () => {
        redraw ??= setImmediate(draw);
      },
    }));
    restores.push(captureLines(stream, (text) => above(() => direct(text))));
    // results on the same terminal would be drawn over: they scroll above the bar, on stdout still
    if (results?.isTTY) {
      const write: Write = results.write.bind(results) as Write;
      restores.push(captureLines(results, (text) => above(() => write(text))));
    }
  }
  const timer = setInterval(draw, tty ? REDRAW_MS : LINE_EVERY_MS);
  timer.unref();
  draw();
  return {
    log(line) {
      if (tty) above(() => direct(`${line}\n`));
      else direct(`${line}\n`);
    },
    stop(leaveNothing = false) {
      stopped = true;
      clearInterval(timer);
      if (redraw) clearImmediate(redraw);
      for (const restore of restores.reverse()) restore();
      const final = leaveNothing ? '' : `${formatFinal(tracker.snapshot())}\n`;
      if (!tty) direct(final);
      else {
        process.off('exit', showCursor);
        direct(`${midLine ? '\n' : CLEAR_LINE}${final}${SHOW_CURSOR}`);
      }
    },
  };
}

/**
 * Whether prun's process group is its terminal's foreground one (`fg`, not `bg`): from
 * /proc/self/stat (pgrp and tpgid), as Node has no tcgetpgrp(); where it cannot be read, it is.
 */
function inForeground(): boolean {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[2] === fields[5];
  } catch {
    return true;
  }
}

/**
 * Takes over a stream's write() and hands `emit` whole lines only, as they come; what is
 * left of an unfinished line is written when the capture ends. Returns the restore.
 */
function captureLines(stream: Writable, emit: (text: string | Uint8Array) => void): () => void {
  const own = Object.hasOwn(stream, 'write') ? stream.write : undefined;
  let partial: Buffer[] = [];
  const capture: Write = (chunk, encoding, callback) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const end = bytes.lastIndexOf(10);
    if (end === -1) partial.push(Buffer.from(bytes));
    else {
      emit(partial.length > 0 ? Buffer.concat([...partial, bytes.subarray(0, end + 1)]) : bytes.subarray(0, end + 1));
      partial = end + 1 < bytes.length ? [Buffer.from(bytes.subarray(end + 1))] : [];
    }
    (typeof encoding === 'function' ? encoding : callback)?.();
    return true;
  };
  stream.write = capture as typeof stream.write;
  return () => {
    if (own) stream.write = own;
    else delete (stream as { write?: unknown }).write;
    if (partial.length > 0) emit(Buffer.concat(partial));
  };
}
