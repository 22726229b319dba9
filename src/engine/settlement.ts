import { type Batch, cutBatch, inputsOf } from '../model/batch.js';
import type { Delivery, FinalFailure } from '../model/delivery.js';
import { type InputNaming, shownName } from '../model/payload.js';
import { diedBeforeBegun, type Failure, statusColumn } from '../model/failure.js';
import type { ProgressTracker } from '../progress/tracker.js';
import type { Deliveries } from './deliveries.js';
import type { Blame, ExecutorRun } from '../model/executor.js';
import { addRecords, finalFailureRecord, journalRecords } from './journal-records.js';
import type { RetryOrFail } from './retry-or-fail.js';
import type { Line } from './scheduler/waiting-line.js';
import { splitRun } from './split-run.js';
import type { Stopping } from './stopping.js';
import type { Throttles } from './throttles.js';

/**
 * Workers in a row that may die holding a batch before they begin it, before its first input
 * is blamed: as many as the starts a run allows to fail in a row (slots/start-failures.ts).
 */
const DEATHS_BEFORE_BEGUN = 3;

export interface SettlementParts {
  deliveries: Deliveries;
  retryOrFail: RetryOrFail;
  line: Pick<Line, 'retry'>;
  throttles: Throttles;
  stopping: Stopping;
  tracker: ProgressTracker;
  /** Deliver a record of every settled input, after its output (--joblog). */
  journal: boolean;
  /** How the joblog names inputs (failures name them as text for people). */
  naming: InputNaming;
}

/**
 * What becomes of the inputs an executor reports on: results and final failures delivered,
 * each with its journal record after it; failures tried again as the retry policy says; the
 * inputs of a lost batch blamed, or run again to find whom to blame. Every input ends here as
 * exactly one delivery, or goes back to the line.
 */
export class Settlement {
  private readonly deliveries: Deliveries;
  private readonly retryOrFail: RetryOrFail;
  private readonly line: Pick<Line, 'retry'>;
  private readonly throttles: Throttles;
  private readonly stopping: Stopping;
  private readonly tracker: ProgressTracker;
  private readonly journal: boolean;
  private readonly naming: InputNaming;

  constructor(parts: SettlementParts) {
    this.deliveries = parts.deliveries;
    this.retryOrFail = parts.retryOrFail;
    this.line = parts.line;
    this.throttles = parts.throttles;
    this.stopping = parts.stopping;
    this.tracker = parts.tracker;
    this.journal = parts.journal;
    this.naming = parts.naming;
  }

  /** Results for the inputs [from, from + run.count) of a batch, holding `bytes` until taken (in-flight.ts). */
  ran(batch: Batch, from: number, run: ExecutorRun, bytes: number): void {
    this.tracker.succeeded += run.count - run.failures.length;
    this.throttles.ran(batch, run);
    const stopped = new Set(run.failures.filter((failure) => failure.stopped).map((failure) => failure.offset));
    const neverRan: number[] = [];
    const { ranges, finals } = splitRun(batch, from, run, bytes, (offset, input, error) => {
      if (!stopped.has(offset)) return this.retryOrFail.decide(batch, offset, input, error, false, run.durationsMs?.[offset - from]);
      // one the stop asked to stop did not run: a gap, filled below (a retry ends as cutShort says)
      const final = this.stoppedRunning(batch, offset, input);
      if (!final) neverRan.push(offset);
      return final;
    });
    if (this.journal) addRecords(ranges, journalRecords(batch, from, run, finals, this.naming));
    for (const range of ranges) this.deliveries.settle(range.start, range.end, range.deliveries);
    for (const offset of neverRan) this.deliveries.notRun(batch.first + offset, 1);
    const last = batch.first + from + run.count - 1;
    const lastFailure = finals.find((final) => final.index === last);
    this.stopping.settled(lastFailure ? statusColumn(lastFailure.error) : 0, lastFailure?.error.code);
  }

  /** The worker running the batch is gone; its inputs from `from` on did not finish. */
  lost(batch: Batch, from: number, blame: Blame): void {
    // every input had been reported: nothing was lost (a queue's worker ends a batch so when
    // the worker that timed out its last input is ended after the report; was: an empty rest
    // queued again, which nobody reports, and the producer waited for ever)
    if (from >= batch.count) return;
    this.throttles.lost(batch);
    this.settleLost(batch, from, blame);
  }

  /** What is owed of a lost batch from `from` on, as `blame` says (once its key has heard of the loss). */
  private settleLost(batch: Batch, from: number, blame: Blame): void {
    if (typeof blame === 'object' && 'finished' in blame) {
      const end = Math.min(from + blame.finished, batch.count);
      // known to have run, and not to blame: they run again on their next attempt, alone, each
      // reported as it ends (so that one whose timer ends the worker after it returned is
      // known to have finished, not run again for ever); stopping, they never ran, their
      // results lost
      if (this.stopping.mode) this.deliveries.notRun(batch.first + from, end - from);
      else this.runAgainAlone(batch, from, end);
      if (end < batch.count) this.settleLost(batch, end, blame.then);
      return;
    }
    // stopping, nothing runs again. An input known to have taken its worker down as running
    // ones finish (a death, a timeout, after Ctrl-C or --halt soon) did run, and failed; the
    // others never ran, as far as anyone can tell, and all of them when the stop ended them
    const culprit = typeof blame === 'object' && 'culprit' in blame && this.stopping.mode !== 'now';
    if (this.stopping.mode && !culprit) {
      this.deliveries.restNotRun(batch, from);
      return;
    }
    if (blame === 'none') return this.beginLater(batch, from);
    if (blame === 'suspect') {
      this.runAgainAlone(batch, from, from + 1);
      if (from + 1 < batch.count) this.beginLater(batch, from + 1);
      return;
    }
    if (typeof blame === 'object' && 'unbegun' in blame) {
      const times = (batch.unbegun ?? 0) + 1;
      // was: handed back for ever, a worker dying each time (an input it could not decode)
      if (times < DEATHS_BEFORE_BEGUN) {
        this.line.retry(cutBatch(batch, from, batch.count, { unbegun: times }), undefined);
        return;
      }
      blame = { culprit: diedBeforeBegun(blame.unbegun, times) };
    }
    if (blame === 'unknown') {
      // several inputs may have been running: run them again alone, to find the one to blame
      this.runAgainAlone(batch, from, batch.count);
      return;
    }
    const name = inputsOf(batch, from, from + 1, this.naming)[0] ?? '';
    // stopping, it is not tried again (decide): it fails
    const final = this.retryOrFail.decide(batch, from, shownName(name, this.naming), blame.culprit, true, blame.durationMs);
    if (final) {
      if (blame.endedAt !== undefined) final.endedAt = blame.endedAt;
      this.failed(final, name);
    }
    if (from + 1 >= batch.count) return;
    if (this.stopping.mode) this.deliveries.restNotRun(batch, from + 1);
    // the rest of suspects run alone (isolated) are suspects still: each started once already,
    // and so runs alone, told of, one at a time, so that another death blames only the one it
    // ran (was: batched again, a second death re-ran them all, a third start with --retries 0)
    else this.line.retry(cutBatch(batch, from + 1, batch.count, { isolated: batch.isolated, fresh: false }), undefined);
  }

  /**
   * Inputs [from, end) that started, or may have, and whose worker was lost: they run again
   * alone, each reported as it ends, so that a death then blames only the one it ran. Every
   * start is counted, so this is their next attempt; how the try went is not known, so a
   * failure before it is no longer the last one.
   */
  private runAgainAlone(batch: Batch, from: number, end: number): void {
    this.line.retry(cutBatch(batch, from, end, { isolated: true, attempt: batch.attempt + 1, lastFailure: undefined }), undefined);
  }

  /** Inputs from `from` on that never began: they start later on the same attempt. */
  private beginLater(batch: Batch, from: number): void {
    this.line.retry(cutBatch(batch, from, batch.count, { unbegun: batch.unbegun }), undefined);
  }

  /** A key stayed throttled past --max-throttle: what waits on it fails with ERR_THROTTLED, never started again. */
  gaveUp(key: string, batches: readonly Batch[]): void {
    // an input that was throttled itself says what its own last answer was; the others, the key's
    const error = this.throttles.tooLong(key);
    for (const batch of batches) this.failWaiting(batch, batch.lastThrottle ? this.throttles.tooLong(key, batch.lastThrottle) : error);
  }

  /**
   * A stop cut `batch` short: from `from` on it did not run. A retry none of which started
   * this time ends as one still waiting in the line does (was: a retry given to a busy
   * worker, behind its running batch, counted as never run at Ctrl-C, its failure unsaid).
   */
  cutShort(batch: Batch, from: number): void {
    if (from === 0) this.stoppedWaiting(batch);
    else this.deliveries.restNotRun(batch, from);
  }

  /**
   * An input that failed once the stop had asked it to stop: it did not run this time. A retry
   * ends with the failure of its try before (its final failure); anything else never ran, and
   * is left as a gap to be counted so (undefined).
   */
  private stoppedRunning(batch: Batch, offset: number, input: string): FinalFailure | undefined {
    return batch.lastFailure && this.retryOrFail.fail(batch, offset, input, batch.lastFailure, batch.attempt - 1);
  }

  /**
   * The run stops while `batch` waits in the line: a retry ends with the failure of its last
   * try, since it did run and will not again; anything else never ran.
   */
  stoppedWaiting(batch: Batch): void {
    if (batch.lastFailure) this.failWaiting(batch, batch.lastFailure);
    else this.deliveries.restNotRun(batch, 0);
  }

  /** Every input of a batch that waits in the line fails, after the starts it has had. */
  private failWaiting(batch: Batch, error: Failure): void {
    const names = inputsOf(batch, 0, batch.count, this.naming);
    for (let offset = 0; offset < batch.count; offset++) {
      const name = names[offset] ?? '';
      this.failed(this.retryOrFail.fail(batch, offset, shownName(name, this.naming), error, batch.attempt - 1, batch.lastDurationMs), name);
    }
  }

  /** A failure that no run reported (a worker death, a key given up): its own delivery, and its record under the input's `name`. */
  private failed(final: FinalFailure, name: string): void {
    const settled: Delivery[] = [{ type: 'failure', first: final.index, count: 1, failure: final }];
    if (this.journal) settled.push({ type: 'records', first: final.index, count: 0, records: [finalFailureRecord(final, name)] });
    this.deliveries.settle(final.index, final.index + 1, settled);
    this.stopping.settled(statusColumn(final.error), final.error.code);
  }
}
