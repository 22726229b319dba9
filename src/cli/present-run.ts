import type { RunningWork } from '../api/running.js';
import type { JobRecord } from '../engine/delivery.js';
import { BrokenPipe, writeResults } from '../io/write-results.js';
import type { ProgressTracker } from '../progress/tracker.js';
import { keepYoungGenerationSmall } from '../runtime/young-generation.js';
import { EXIT } from './exit-codes.js';
import type { ProgressView } from './progress-bar.js';
import { describeFailure, describeSummary } from './report.js';
import { handleInterrupts } from './signals.js';

/** A run as the CLI shows it, whatever runs the work (a script's function, shell commands). */
export type PresentableRun = RunningWork;

export interface PresentOptions {
  json: boolean;
  /** true/false when asked for; undefined: when stderr is a terminal. */
  progress: boolean | undefined;
  verbose: boolean;
  /** What the spinner says until the first worker is ready. */
  startingText: string;
  /** Counts the inputs ahead of the run, for a progress bar's total (files only, never stdin). */
  countInputs: (() => Promise<number>) | undefined;
  /** Appends joblog rows, once the output of their inputs is written (--joblog). */
  journal?: ((records: readonly JobRecord[]) => void) | undefined;
}

/**
 * A run stopped early leaves inputs it never read; in files they can still be counted, so
 * that the summary says how many never ran (stdin cannot be read again).
 */
async function countUnread(tracker: ProgressTracker, countInputs: (() => Promise<number>) | undefined): Promise<void> {
  // a total already known (counted for the progress bar, or the reader saw the end) is not counted again
  const total = tracker.total ?? (await countInputs?.().catch(() => undefined));
  const seen = tracker.succeeded + tracker.failed + tracker.notRun + tracker.resumed;
  if (total !== undefined && total > seen) tracker.notRun += total - seen;
}

/**
 * Results to stdout, everything else to stderr: a spinner then a progress bar on a terminal,
 * one line per failed input, a summary. Returns the exit status.
 */
export async function presentRun(run: PresentableRun, options: PresentOptions): Promise<number> {
  const stderr = process.stderr;
  let view: ProgressView | undefined;
  let ended = false;
  // a terminal of no width (some ptys report 0 columns) would make the redraw arithmetic
  // divide by zero: ora then clears lines forever
  const drawable = !stderr.isTTY || (stderr.columns ?? 0) > 0;
  // results on the same terminal would be drawn over: there they are the progress
  const wanted = options.progress ?? (stderr.isTTY === true && !process.stdout.isTTY);
  if (wanted && drawable) {
    // ora and cli-progress take a tenth of a second to load: only when they will be seen
    const [{ startSpinner }, { startProgressBar }] = await Promise.all([import('./spinner.js'), import('./progress-bar.js')]);
    const spinner = startSpinner(options.startingText, stderr);
    options.countInputs?.().then(
      (total) => {
        run.tracker.total ??= total;
      },
      () => {}, // the run itself reports an input it cannot read
    );
    void run.ready.then(() => {
      spinner.stop();
      if (!ended) view = startProgressBar(run.tracker, stderr);
    });
  }
  const toStderr = (line: string): void => {
    if (view) view.log(line);
    else stderr.write(`${line}\n`);
  };
  const interrupts = handleInterrupts(run, toStderr);
  // the CLI owns its process; set earlier, the change would slow worker threads still booting
  void run.allReady.then(keepYoungGenerationSmall);
  try {
    await writeResults(run.deliveries, process.stdout, {
      json: options.json,
      encoding: run.encoding,
      onFailure: (failure) => toStderr(describeFailure(failure, options.verbose)),
      onRecords: options.journal,
      onStop: () => run.stop('now'),
    });
  } catch (error) {
    if (error instanceof BrokenPipe) return EXIT.brokenPipe;
    throw error;
  } finally {
    ended = true;
    view?.stop();
    view = undefined;
    interrupts.dispose();
  }
  const interrupted = interrupts.exitCode();
  const stoppedBy = interrupted !== undefined ? 'interrupted' : run.tracker.halted ? 'halted' : undefined;
  if (stoppedBy) await countUnread(run.tracker, options.countInputs);
  const summary = describeSummary(run.tracker.snapshot(), stoppedBy);
  if (summary) toStderr(summary);
  return interrupted ?? (run.tracker.failed > 0 ? EXIT.failed : EXIT.ok);
}
