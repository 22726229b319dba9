import type { RunningWork } from '../api/running.js';
import type { JobRecord } from '../model/delivery.js';
import { BrokenPipe, OutputAbandoned, writeResults } from '../io/write-results.js';
import type { ProgressTracker } from '../progress/tracker.js';
import { keepHeapSmall } from '../runtime/heap-settings.js';
import { PrunError } from '../errors.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import type { ProgressView } from './progress-bar.js';
import { abandonResults, hearSignalsAtExit, resultsFileName, resultsStream } from './results-out.js';
import { describeFailure, describeFatal, describeSummary, describeThrottles, describeUncounted, waitingFor } from './report.js';
import { handleInterrupts } from './signals.js';
import { noticeThrottles } from './throttle-notice.js';

/** A run as the CLI shows it, whatever runs the work (a script's function, shell commands). */
export type PresentableRun = RunningWork;

export interface PresentOptions {
  json: boolean;
  /** true/false when asked for; undefined: when stderr is a terminal. */
  progress: boolean | undefined;
  verbose: boolean;
  /** What the spinner says until the first worker is ready. */
  startingText: string;
  /**
   * Counts the inputs ahead of the run, for a progress bar's total (regular files only, never
   * stdin or a pipe: undefined then).
   */
  countInputs: (() => Promise<number | undefined>) | undefined;
  /** Count them even without a progress bar: a --halt percentage is of the total. */
  countAhead: boolean;
  /** Asked once the total is wanted: a piped input is read further ahead to find its end. */
  seekEnd?: (() => void) | undefined;
  /** The number of inputs, as the user says (--total): the bar's total until the end is seen. */
  total?: number | undefined;
  /** Appends joblog rows, once the output of their inputs is written (--joblog). */
  journal?: ((records: readonly JobRecord[]) => void) | undefined;
  /**
   * Worker threads in this process run many tasks at once each: V8's flags are the whole
   * process's, and theirs must not keep heaps small (runtime/heap-settings.ts).
   */
  busyThreads?: boolean;
}

/**
 * A run stopped early leaves inputs it never read; in regular files they can still be
 * counted, so that the summary says how many never ran (stdin, a pipe or a FIFO cannot be
 * read again: there only what was read is counted).
 */
async function countUnread(tracker: ProgressTracker, countInputs: () => Promise<number | undefined>): Promise<boolean> {
  // a total already known (counted ahead, or the reader saw the end) is not counted again
  const total = tracker.total ?? (await countInputs());
  const seen = tracker.succeeded + tracker.failed + tracker.notRun + tracker.resumed;
  if (total !== undefined && total > seen) tracker.notRun += total - seen;
  return total !== undefined;
}

/**
 * Results to stdout, everything else to stderr: a spinner then a progress bar on a terminal,
 * one line per failed input, a summary. Returns the exit status.
 */
export async function presentRun(run: PresentableRun, options: PresentOptions): Promise<number> {
  const stderr = process.stderr;
  // counted once at most, however many want the total; an input the run cannot read is the run's to report
  let counting: Promise<number | undefined> | undefined;
  const countInputs = (): Promise<number | undefined> => (counting ??= options.countInputs?.().catch(() => undefined) ?? Promise.resolve(undefined));
  const countAhead = (): void => {
    options.seekEnd?.();
    void countInputs().then((total) => {
      if (total !== undefined) run.tracker.total ??= total;
    });
  };
  run.tracker.expected = options.total;
  if (options.countAhead) countAhead();
  let view: ProgressView | undefined;
  let heldBack: NodeJS.Timeout | undefined;
  let ended = false;
  // results on the same terminal scroll above the bar (progress-bar.ts)
  const wanted = options.progress ?? stderr.isTTY === true;
  if (wanted) {
    // ora takes a tenth of a second to load: only when it will be seen
    const [{ startSpinner }, { startProgressBar }] = await Promise.all([import('./spinner.js'), import('./progress-bar.js')]);
    const spinner = startSpinner(options.startingText, stderr);
    countAhead();
    let started = false;
    void run.settingUp?.then((text) => {
      if (!started) spinner.say(text);
    });
    // a run the machine holds back from its first input (--memfree, --load) starts no worker
    // or lane: the spinner says why, not that they are starting (once each time it changes)
    let said: string | undefined;
    heldBack = setInterval(() => {
      const short = run.tracker.machineShortage?.();
      const text = short && waitingFor(short);
      if (text && text !== said) spinner.say((said = text));
    }, 1000).unref();
    void run.ready.then(() => {
      started = true;
      clearInterval(heldBack);
      spinner.stop();
      // a run that could not start has nothing to show progress of
      if (!ended && !run.fatalError()) view = startProgressBar(run.tracker, stderr, resultsStream());
    });
  }
  const toStderr = (line: string): void => {
    if (view) view.log(line);
    else stderr.write(`${line}\n`);
  };
  const interrupts = handleInterrupts(run, toStderr);
  const throttleNotice = wanted ? undefined : noticeThrottles(run.tracker, toStderr);
  let thrown = false;
  // the CLI owns its process unless busy threads share it; set earlier, the change would slow
  // worker threads still booting
  if (!options.busyThreads) void run.allReady.then(keepHeapSmall);
  try {
    await writeResults(run.deliveries, resultsStream(), {
      json: options.json,
      fileName: resultsFileName(),
      encoding: run.encoding,
      onFailure: (failure) => toStderr(describeFailure(failure, options.verbose)),
      // a write's callback comes after those of the writes before it: then the lines are out
      failuresOut: () => new Promise<void>((resolve) => stderr.write('', () => resolve())),
      onStderr: (text) => void process.stderr.write(text, run.encoding),
      stderr: process.stderr,
      onRecords: options.journal,
      onStop: () => run.stop('now'),
      giveUp: interrupts.impatient,
    });
  } catch (error) {
    // the run is stopped at once (onStop did it); what it started ends, and a queue's keys go,
    // before the process does. Was: only for a broken pipe, so a full disk (exit 74) left while
    // its workers were still being ended: one outlived prun, 1 run in 40 under load
    run.stop('now');
    await run.finished;
    // told to end twice, or past the grace, while stdout's reader did not read: what ran is
    // said below, and the results it did not take are not waited for at the exit (flushOutput)
    if (error instanceof OutputAbandoned) {
      // what the relay of stdout says got out is counted and logged, and nothing more gets out
      await abandonResults();
      run.tracker.keepOnly(error.out);
    } else if (interrupts.exitCode() !== undefined && error instanceof PrunError && error.code === 'ERR_SCRIPT') {
      // the signal reached esbuild's service too, which shares prun's process group: the
      // compile it cut short is the signal's doing, said by the summary below (was: exit 2,
      // "prun: s.ts: The service was stopped: write EPIPE", 3 runs in 24 of a reviewer's)
    } else if (error instanceof BrokenPipe && interrupts.exitCode() !== undefined) {
      // Ctrl-C on `prun | cat` ends `cat` too: the signal's exit and its summary, which says
      // what never ran (was: exit 141, no count, the bar's last line looking like an end)
    } else {
      thrown = true;
      if (error instanceof BrokenPipe) return EXIT.brokenPipe;
      throw error;
    }
  } finally {
    ended = true;
    clearInterval(heldBack);
    // a run that failed before any input ran (a script that does not load): its error's one line says it all
    view?.stop((thrown || run.fatalError() !== undefined) && nothingRan(run));
    view = undefined;
    // told to end now, a stalled reader of stdout's relay or of stderr is not waited for at the exit
    hearSignalsAtExit(interrupts.afterRun());
    throttleNotice?.dispose();
  }
  const interrupted = interrupts.exitCode();
  const fatal = run.fatalError();
  // the exit its code calls for (exit-codes.ts): output that could not be written or kept (a
  // command's, on a full disk) is 74 whatever ran; a queue lost once the run had begun is 1
  // with the summary, even before any result came back (was: exit 2, no summary)
  const fatalExit = fatal === undefined ? undefined : fatal instanceof PrunError ? exitCodeFor(fatal.code) : EXIT.usage;
  // nothing ran: a set-up error, exit 2
  const setUpError = fatal !== undefined && nothingRan(run) && interrupted === undefined && fatalExit === EXIT.usage;
  if (fatal) {
    toStderr(describeFatal(fatal, options.verbose));
    // a script that cannot load or set up says it all in its one line; workers that keep dying
    // at start are followed by the count of the inputs that never ran, as when some did (was: none)
    if (setUpError && !(fatal instanceof PrunError && fatal.code === 'ERR_WORKER_START')) return EXIT.usage;
  }
  const stoppedBy = interrupted !== undefined ? 'interrupted' : run.tracker.halted ? 'halted' : undefined;
  const counted = stoppedBy || fatal ? await countUnread(run.tracker, countInputs) : true;
  const snapshot = run.tracker.snapshot();
  const throttles = describeThrottles(snapshot);
  if (throttles) toStderr(throttles);
  const summary = describeSummary(snapshot, stoppedBy);
  // the summary's total is then what was read (was: said as if it were the input's, a review:
  // `1 of 175616 inputs failed` for 3,000,000 lines piped)
  if (summary && !counted) toStderr(describeUncounted());
  if (summary) toStderr(summary);
  if (interrupted !== undefined) return interrupted;
  if (setUpError) return EXIT.usage;
  if (fatalExit === EXIT.ioError) return EXIT.ioError;
  return fatal || run.tracker.failed > 0 ? EXIT.failed : EXIT.ok;
}

function nothingRan(run: PresentableRun): boolean {
  return run.tracker.succeeded + run.tracker.failed === 0;
}
