import type { ProgressTracker } from '../progress/tracker.js';
import { keyCounts, signalCount } from './report.js';

/** How often the notice is said again while inputs still wait. */
const REPEAT_MS = 60_000;
const CHECK_MS = 1000;

/**
 * Says on stderr, off a terminal (where no bar shows it), that inputs wait on a server that
 * asked to slow down: a script whose every request is answered 429 or 503 made the run wait
 * up to --max-throttle (15 min by default) in silence. One line when inputs first wait, and
 * one a minute while they still do.
 */
export function noticeThrottles(tracker: ProgressTracker, say: (line: string) => void, repeatMs = REPEAT_MS): { dispose(): void } {
  let saidAt: number | undefined;
  const timer = setInterval(() => {
    const { throttled, signals } = tracker.snapshot();
    if (throttled === 0) return;
    const now = Date.now();
    if (saidAt !== undefined && now - saidAt < repeatMs) return;
    saidAt = now;
    const most = signals.top.length > 0 ? `; most from: ${keyCounts(signals.top)}` : '';
    say(`prun: ${throttled} input${throttled === 1 ? '' : 's'} wait${throttled === 1 ? 's' : ''}: a server asks to slow down (${signalCount(signals.total)}, 429/503${most}); retrying after its Retry-After or a backoff, giving up after --max-throttle`);
  }, CHECK_MS);
  timer.unref();
  return { dispose: () => clearInterval(timer) };
}
