import cliProgress from 'cli-progress';
import type { ProgressTracker } from '../progress/tracker.js';

const REDRAW_MS = 100;

/** What the CLI draws on stderr while a run goes on. */
export interface ProgressView {
  /** Prints a line above the bar, which is then drawn again below it. */
  log(line: string): void;
  /** Removes the bar, after printing what was logged. */
  stop(): void;
}

/**
 * A cli-progress bar on stderr, drawn from the tracker's counts: done/total (the total once
 * known), rate, ETA and failures. The only module that knows cli-progress.
 *
 * While the bar is up on a terminal it owns the stream: everything else written to it
 * (prun's messages, what the user's function or a command prints) goes above the bar a
 * whole line at a time, so nothing is drawn over and the bar is never torn in two.
 */
export function startProgressBar(tracker: ProgressTracker, stream: NodeJS.WriteStream): ProgressView {
  const ownWrite = Object.hasOwn(stream, 'write') ? stream.write : undefined;
  const direct = stream.write.bind(stream);
  const bars = new cliProgress.MultiBar(
    {
      stream: barStream(stream, direct),
      format: (options) => formatLine(tracker, options),
      hideCursor: true,
      clearOnComplete: true,
      linewrap: false,
      fps: 1000 / REDRAW_MS,
      // prun handles SIGINT itself; the bar must not stop on its own
      gracefulExit: false,
      // drawn when --progress asks for it even though stderr is not a terminal
      noTTYOutput: !stream.isTTY,
      notTTYSchedule: 1000,
    },
    cliProgress.Presets.shades_classic,
  );
  bars.create(1, 0);
  let partial = '';
  const capture = (chunk: string | Uint8Array, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback): boolean => {
    const lines = (partial + decode(chunk, encoding)).split('\n');
    partial = lines.pop()!;
    // drawn with the next redraw: a burst of lines costs one redraw, not one each
    if (lines.length > 0) bars.log(`${lines.join('\n')}\n`);
    (typeof encoding === 'function' ? encoding : callback)?.();
    return true;
  };
  // off a terminal the bar is drawn as lines of its own: nothing there to draw over
  if (stream.isTTY) stream.write = capture as typeof stream.write;
  return {
    log(line) {
      bars.log(`${line}\n`);
      bars.update();
    },
    stop() {
      if (ownWrite) stream.write = ownWrite;
      else delete (stream as { write?: unknown }).write;
      bars.update();
      bars.stop();
      if (partial) direct(partial);
    },
  };
}

type WriteCallback = (error?: Error | null) => void;

/** What a write() was given, as text for the terminal (a command's output comes as latin1). */
function decode(chunk: string | Uint8Array, encoding: BufferEncoding | WriteCallback | undefined): string {
  if (typeof chunk !== 'string') return Buffer.from(chunk).toString();
  return typeof encoding === 'string' && encoding !== 'utf8' ? Buffer.from(chunk, encoding).toString() : chunk;
}

/** The stream as the bar sees it: the same terminal, written to directly. */
function barStream(stream: NodeJS.WriteStream, direct: NodeJS.WriteStream['write']): NodeJS.WriteStream {
  return {
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return stream.columns;
    },
    write: direct,
  } as NodeJS.WriteStream;
}

function formatLine(tracker: ProgressTracker, options: cliProgress.Options): string {
  const snapshot = tracker.snapshot();
  const done = snapshot.succeeded + snapshot.failed + snapshot.notRun + snapshot.resumed;
  const rate = `${formatRate(snapshot.rate)}/s`;
  const failed = snapshot.failed > 0 ? ` | ${snapshot.failed} failed` : '';
  if (snapshot.total === undefined) return `${done} done | ${rate}${failed}`;
  const bar = cliProgress.Format.BarFormat(snapshot.total === 0 ? 1 : done / snapshot.total, options);
  const eta = snapshot.etaMs === undefined ? '-' : formatEta(snapshot.etaMs);
  return `${bar} ${done}/${snapshot.total} | ${rate} | ETA ${eta}${failed}`;
}

function formatRate(rate: number): string {
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(1)}M`;
  if (rate >= 1e3) return `${(rate / 1e3).toFixed(1)}k`;
  return rate >= 10 ? rate.toFixed(0) : rate.toFixed(1);
}

function formatEta(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
