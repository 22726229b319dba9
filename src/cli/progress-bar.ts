import cliProgress from 'cli-progress';
import type { ProgressTracker } from '../progress/tracker.js';

const REDRAW_MS = 100;

/** What the CLI draws on stderr while a run goes on. */
export interface ProgressView {
  /** Clears the bar's line, before something else is written to the terminal. */
  clear(): void;
  stop(): void;
}

/**
 * A cli-progress bar on stderr, drawn from the tracker's counts: done/total (the total once
 * the end of the input is seen), rate, ETA and failures. The only module that knows cli-progress.
 */
export function startProgressBar(tracker: ProgressTracker, stream: NodeJS.WriteStream): ProgressView {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: (options, params) => {
        const snapshot = tracker.snapshot();
        const done = snapshot.succeeded + snapshot.failed;
        const rate = `${formatRate(snapshot.rate)}/s`;
        const failed = snapshot.failed > 0 ? ` | ${snapshot.failed} failed` : '';
        if (snapshot.total === undefined) return `${done} done | ${rate}${failed}`;
        const bar = cliProgress.Format.BarFormat(snapshot.total === 0 ? 1 : done / snapshot.total, options);
        const eta = snapshot.etaMs === undefined ? '-' : formatDuration(snapshot.etaMs);
        void params;
        return `${bar} ${done}/${snapshot.total} | ${rate} | ETA ${eta}${failed}`;
      },
      hideCursor: true,
      clearOnComplete: true,
      linewrap: false,
      fps: 1000 / REDRAW_MS,
      // drawn when --progress asks for it even though stderr is not a terminal
      noTTYOutput: !stream.isTTY,
      notTTYSchedule: 1000,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1, 0);
  const timer = setInterval(() => bar.update(0), REDRAW_MS);
  timer.unref();
  return {
    clear() {
      if (stream.isTTY) {
        stream.cursorTo(0);
        stream.clearLine(0);
      }
    },
    stop() {
      clearInterval(timer);
      bar.stop();
    },
  };
}

function formatRate(rate: number): string {
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(1)}M`;
  if (rate >= 1e3) return `${(rate / 1e3).toFixed(1)}k`;
  return rate >= 10 ? rate.toFixed(0) : rate.toFixed(1);
}

function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
