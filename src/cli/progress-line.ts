import cliProgress from 'cli-progress';
import { doneCount, type ProgressSnapshot } from '../progress/tracker.js';
import { keyCounts, signalCount, waitingFor } from './report.js';

const BAR_WIDTH = 30;
/** cli-progress's classic shades (█ and ░): the look people know from its bars. */
const STYLE = cliProgress.Presets.shades_classic;

/**
 * The only module that knows cli-progress. The progress line while a run goes on, as tqdm and GNU parallel's --bar show it: a bar
 * (on a terminal), done/total, percentage, elapsed time, rate, ETA and failures; only the
 * count, the time, the rate and failures while the total is unknown; with --queue, how many
 * workers serve the run. Fits in `width`
 * columns, so that it never wraps (a wrapped line cannot be redrawn in place).
 */
export function formatProgress(snapshot: ProgressSnapshot, options: { bar: boolean; width: number }): string {
  const full = progressText(snapshot, false);
  // the bar is what gives way on a narrow terminal; then, under a throttle, the time and the
  // ETA and the long words, so that what waits on which keys still shows (was: cut at 80
  // columns, the keys never seen)
  const text = full.length > options.width && snapshot.signals.total > 0 ? progressText(snapshot, true) : full;
  const room = Math.min(BAR_WIDTH, options.width - text.length - 1);
  return options.bar && snapshot.total !== undefined && room >= 10 ? `${bar(fractionOf(doneCount(snapshot), snapshot.total), room)} ${text}` : fit(text, options.width);
}

/** The line but its bar; `compact`, without the time and the ETA, the throttle said short. */
function progressText(snapshot: ProgressSnapshot, compact: boolean): string {
  const done = doneCount(snapshot);
  const failed = `${snapshot.failed} failed${throttledOf(snapshot, compact)}${snapshot.workers === undefined ? '' : ` | ${snapshot.workers} worker${snapshot.workers === 1 ? '' : 's'}`}${shortOf(snapshot)}`;
  const rate = `${formatRate(snapshot.rate)}/s`;
  const elapsed = compact ? '' : ` | ${formatDuration(snapshot.elapsedMs)}`;
  if (snapshot.total === undefined) return `${done} done${elapsed} | ${rate} | ${failed}`;
  const eta = compact ? '' : ` | ETA ${snapshot.etaMs === undefined ? '?' : formatDuration(snapshot.etaMs)}`;
  return `${done}/${snapshot.total} ${percent(fractionOf(done, snapshot.total))}${elapsed} | ${rate}${eta} | ${failed}`;
}

/** The line left when the run is over: `1000/1000 100% in 3.2s, 312/s, 0 failed`. */
export function formatFinal(snapshot: ProgressSnapshot): string {
  const done = doneCount(snapshot);
  const count = snapshot.total === undefined || snapshot.total < done ? `${done} done` : `${done}/${snapshot.total} ${percent(fractionOf(done, snapshot.total))}`;
  return `${count} in ${formatDuration(snapshot.elapsedMs)}, ${formatRate(snapshot.rate)}/s, ${snapshot.failed} failed${throttledOf(snapshot)}`;
}

/**
 * Under --key, once a server has said to slow down: inputs waiting on throttled keys, and the
 * signals per key, for the few keys with the most (last on the line: what a narrow terminal cuts).
 */
function throttledOf(snapshot: ProgressSnapshot, compact = false): string {
  const { total, top } = snapshot.signals;
  if (total === 0) return '';
  const busiest = top.length > 0 ? ` (${keyCounts(top)})` : '';
  const waiting = snapshot.throttled === 0 ? '' : compact ? ` | ${snapshot.throttled} waiting` : ` | ${snapshot.throttled} waiting on throttled keys`;
  return `${waiting} | ${compact ? `${total} signal${total === 1 ? '' : 's'}` : signalCount(total)}${busiest}`;
}

/** Under --memfree or --load, while the machine holds every start back: why nothing starts. */
function shortOf(snapshot: ProgressSnapshot): string {
  return snapshot.machineShort === undefined ? '' : ` | ${waitingFor(snapshot.machineShort)}`;
}


function fractionOf(done: number, total: number): number {
  return total === 0 ? 1 : Math.min(1, done / total);
}

/** Floored, so that 100% means all done (999/1000 is 99%, not 100%). */
function percent(fraction: number): string {
  return `${Math.floor(fraction * 100)}%`;
}

/**
 * The bar itself, drawn by cli-progress's formatter. Only its formatting is used: its
 * MultiBar draws on stderr alone and keeps its own idea of the cursor, which results
 * written to the same terminal on stdout would break (progress-bar.ts draws the line).
 */
function bar(fraction: number, width: number): string {
  return cliProgress.Format.BarFormat(fraction, {
    barsize: width,
    barCompleteString: STYLE.barCompleteChar!.repeat(width),
    barIncompleteString: STYLE.barIncompleteChar!.repeat(width),
    barGlue: '',
  });
}

function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

export function formatRate(rate: number): string {
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(1)}M`;
  if (rate >= 1e3) return `${(rate / 1e3).toFixed(1)}k`;
  return rate >= 10 ? rate.toFixed(0) : rate.toFixed(1);
}

/** 0.4s, 3.2s, 59s, 1m05s, 2h03m. */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
