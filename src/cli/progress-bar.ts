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
 * known), rate, ETA and failures. Messages go through the bar's own log, so a failure line
 * is never drawn over. The only module that knows cli-progress.
 */
export function startProgressBar(tracker: ProgressTracker, stream: NodeJS.WriteStream): ProgressView {
  const bars = new cliProgress.MultiBar(
    {
      stream,
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
  return {
    log(line) {
      bars.log(`${line}\n`);
      bars.update();
    },
    stop() {
      bars.update();
      bars.stop();
    },
  };
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
