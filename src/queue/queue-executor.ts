import type { Batch, Placement } from '../model/batch.js';
import type { Blame, Executor, ExecutorListener, ExecutorRun } from '../model/executor.js';
import { PrunError } from '../errors.js';
import { machineDied } from '../model/failure.js';
import { StopOrders } from '../model/stop-orders.js';
import { hostname } from 'node:os';
import { Ledger } from '../slots/ledger.js';
import type { ProducerQueue } from './bullmq.js';
import { blameOf } from './lost-blame.js';
import { refusal } from './refusal.js';
import { HEARTBEAT_MS, MAX_STALLED_COUNT } from './queue-timings.js';
import { type LaneHost, LocalLane } from './local-lane.js';
import type { Outstanding } from './outstanding.js';
import { ORPHAN_POLLS } from './producer-watch.js';
import type { RunPool } from './run-pool.js';
import { jobDataOf, type Report, type RunSpec } from './wire.js';

/** Batches on the queue or running at once, per run: no maximum queue size in BullMQ (#2782). */
const MAX_OUTSTANDING = 64;
/** Redis down for longer than this ends the run; shorter outages are waited out. */
export const OUTAGE_LIMIT_MS = 30_000;
/** How often failed jobs (stalled too often) are looked for, and the run's keys refreshed. */
const CHECK_EVERY_MS = 2000;
const REFRESH_EVERY_MS = 10_000;
/** How long the end of a run may wait for Redis to delete its keys: Redis away, and up. */
const CLEANUP_MS = 3000;
const CLEANUP_UP_MS = 30_000;
/** How long the inputs running on other workers may take to end once a worker refused the run (as a Ctrl-C's grace). */
const REFUSED_GRACE_MS = 10_000;
/** How long the reader of reports may take to see the end (one BLPOP timeout, and some). */
const READ_END_MS = 1500;

export interface QueueExecutorOptions {
  queue: ProducerQueue;
  run: string;
  spec: Promise<RunSpec>;
  /** The producer's own workers (--procs N with --queue), if any. */
  local?: Promise<RunPool>;
  /** How many workers serve the run (the producer's own among them), as it changes. */
  onWorkers?: (count: number) => void;
  /**
   * A worker served the run: counted serving it, or started a batch of it. One that took the run
   * and left before it was ever counted (a SIGTERM's hand-back within a second) served it too.
   */
  onServed?: () => void;
  /** Where a line goes that says inputs ran again on a take whose results were dropped (the CLI's stderr). */
  notice?: (line: string) => void;
}

const EMPTY_RUN: ExecutorRun = { count: 0, text: '', values: undefined, failures: [], durationsMs: undefined };

/**
 * The producer's executor: batches become jobs on the queue, workers anywhere run them, and
 * their reports come back on the run's own list. Delivery is at least once (a lock lost to
 * a stall, bullmq#439), so each batch's reports are deduplicated here by position: every
 * input reaches the pipeline once.
 */
export class QueueExecutor implements Executor {
  readonly capacity = MAX_OUTSTANDING;
  readonly ready: Promise<void>;
  private listener: ExecutorListener | undefined;
  private readonly outstanding = new Ledger<Outstanding>();
  /** Stopped (the workers start no more of its batches), and with its running inputs (Ctrl-C): the workers ask theirs to stop. */
  private readonly stops = new StopOrders();
  private ended = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private reading: Promise<void> | undefined;
  private ending: Promise<void> | undefined;
  private readonly queue: ProducerQueue;
  private readonly run: string;
  private readonly spec: Promise<RunSpec>;
  private readonly onWorkers: (count: number) => void;
  private readonly onServed: () => void;
  private readonly notice: (line: string) => void;
  /** A worker refused the run: why, and which workers did. */
  private refusal: { error: PrunError; workers: Set<string> } | undefined;
  /** Batches said to have run again, once each. */
  private readonly saidRanAgain = new Set<number>();
  private readonly lane: LocalLane | undefined;
  /** The run has a --halt condition: workers wait to hear that the end of each batch was taken in. */
  private halting = false;
  /** How many times the producer has said that it is alive (ProducerWatch). */
  private beats = 0;

  constructor(options: QueueExecutorOptions) {
    ({ queue: this.queue, run: this.run, spec: this.spec } = options);
    this.onWorkers = options.onWorkers ?? (() => {});
    this.onServed = options.onServed ?? (() => {});
    this.notice = options.notice ?? (() => {});
    this.ready = this.spec.then(
      () => {},
      () => {},
    );
    this.lane = options.local && new LocalLane(options.local, this.laneHost());
  }

  start(listener: ExecutorListener): void {
    this.listener = listener;
    // watched from the start: a Redis that hangs as the run is published ends it at the outage
    // limit too (was: it waited for ever, a SIGTERM with it: a review)
    this.timers.push(setInterval(() => void this.check(), CHECK_EVERY_MS));
    this.spec.then(
      (spec) => {
        if (this.ended) return;
        this.halting = spec.halting === true;
        this.reading = this.read();
        this.timers.push(setInterval(() => void this.refresh(), REFRESH_EVERY_MS));
        this.timers.push(setInterval(() => void this.countWorkers(), HEARTBEAT_MS));
        if (this.lane) void this.lane.serve();
        listener.free();
      },
      () => {}, // compiling failed: the run reports it
    );
  }

  room(_placement: Placement, _ahead: boolean): number {
    if (this.stops.stopped || this.ended || this.reading === undefined) return 0;
    return this.outstanding.load < MAX_OUTSTANDING ? Number.POSITIVE_INFINITY : 0;
  }

  submit(batch: Batch): void {
    const entry: Outstanding = { batch, done: 0, delivery: undefined, worker: undefined, queued: false, local: false, triedAt: undefined, firstAttempt: batch.attempt };
    this.outstanding.accept(entry);
    // an add in an outage waits it out in ioredis's offline queue, and the watcher ends the run
    // if it lasts; one that Redis refuses (out of memory under noeviction) ends it at once, in
    // one line (was: ignored, and the run waited for the batch for ever, saying nothing)
    this.queue.add(jobDataOf(this.run, batch)).then(
      () => {
        entry.queued = true;
        // stopped while the add was on its way: withdrawn now, it could not be before
        if (this.stops.stopped) this.withdraw(entry);
        else this.lane?.poke();
      },
      (error: unknown) => {
        if (this.ended || this.queue.health.downSince() !== undefined) return;
        this.fatal(new PrunError('ERR_QUEUE_LOST', `the queue at ${this.queue.url} refused a batch: ${refusal(error)}`));
      },
    );
  }

  stop(abortRunning = false): void {
    this.tellStopping(abortRunning);
    this.lane?.stop(abortRunning);
    // what no worker has taken yet never runs; what one has finishes
    for (const entry of this.outstanding.entries()) if (entry.queued && !entry.local) this.withdraw(entry);
  }

  /**
   * Takes a batch that is on the queue off it, if no worker has taken it, once the run stops.
   * Only once its add went through: a withdraw that overtook its add would find nothing, and
   * the batch, put on the queue after, would wait there for a worker with nobody to report
   * it over (regression: a stop just after a submit hung the run).
   */
  private withdraw(entry: Outstanding): void {
    void this.queue.withdraw(this.run, entry.batch.id).then((takes) => {
      if (takes !== undefined) this.drop(entry);
    });
  }

  /** A batch taken off the queue that will not run: the rest of it never ran. */
  private drop(entry: Outstanding): void {
    if (!this.outstanding.release(entry)) return;
    this.listener!.run(entry.batch, entry.done, EMPTY_RUN, true, 0);
    this.listener!.free();
  }

  async close(): Promise<void> {
    await this.lane?.close();
    await this.end();
  }

  async kill(): Promise<void> {
    // said before the run's keys go, which takes a scan: a worker told its last batch was heard
    // (a --halt now) must find the run stopping, not on
    this.tellStopping();
    await Promise.all([this.lane?.kill(), this.end()]);
  }

  /** The batches workers hold and have not started never start: they report them never run. */
  private tellStopping(abortRunning = false): void {
    // a Ctrl-C after a halt: the running inputs are now asked to stop as well
    if (!this.stops.take(abortRunning)) return;
    void this.queue.stopRun(this.run, abortRunning).catch(() => {});
  }

  /** Once, however often it is asked for: whoever asks second waits for the same cleanup. */
  private end(): Promise<void> {
    this.ending ??= this.endOnce();
    return this.ending;
  }

  private async endOnce(): Promise<void> {
    this.ended = true;
    for (const timer of this.timers) clearInterval(timer);
    // with Redis away, its keys expire by themselves (RUN_TTL_MS): the run does not wait for
    // it; with Redis up, a loaded one may be slow, and the keys are deleted for sure
    const patience = this.queue.health.downSince() === undefined ? CLEANUP_UP_MS : CLEANUP_MS;
    // published first: keys written after their deletion would stay until they expire. Not
    // for ever: a publish that waits on a Redis that hangs held the run's end with it
    await withinMs(patience, this.spec.catch(() => undefined));
    await withinMs(patience, this.queue.end(this.run, this.outstanding.ids()));
    this.outstanding.lose(); // forgotten: the run has ended, and nothing reports them any more
    await this.queue.close();
    // a read waiting out an outage is never settled by ioredis's disconnect(): not awaited then
    await withinMs(READ_END_MS, this.reading ?? Promise.resolve());
  }

  private async read(): Promise<void> {
    while (!this.ended) {
      let reports: Report[];
      try {
        reports = await this.queue.reports(this.run);
      } catch {
        continue; // the connection's watcher decides when an outage is too long
      }
      // a halting run's workers wait for this before they start more: sent after a stop these
      // reports caused, on the same connection, so that a worker that reads it reads the stop
      const ends = new Map<string, string>();
      for (const report of reports) {
        this.take(report);
        // once a refusal has stopped the run, it ends when the last input running elsewhere has
        if (this.refusal && !this.runsElsewhere()) this.fatal(this.refusal.error);
        if (report.type === 'lost' || (report.type === 'run' && report.last)) ends.set(report.worker, report.delivery);
      }
      if (this.halting) void this.queue.heard(this.run, ends).catch(() => {});
    }
  }

  /**
   * Keeps the run's keys alive. A run whose keys are gone was lost with them: Redis restarted
   * without its data (or evicted them), and no worker will ever report its batches (was: the
   * producer waited for them for ever).
   */
  private async refresh(): Promise<void> {
    const there = await this.queue.refresh(this.run, [...this.outstanding.entries()].filter((entry) => entry.queued).map((entry) => entry.batch.id)).catch(() => true);
    if (!there) this.fatal(new PrunError('ERR_QUEUE_LOST', `lost the queue at ${this.queue.url}: the run's keys are gone (Redis lost its data or evicted them, or workers took this producer for dead: no word from it for ${ORPHAN_POLLS} s)`));
  }

  /** Says the producer is alive; the progress bar's count of workers (the producer's own workers count as one more). */
  private async countWorkers(): Promise<void> {
    if (this.queue.health.downSince() !== undefined) return;
    try {
      await this.queue.beat(this.run, ++this.beats);
      if (this.lane && !this.stops.stopped) await this.queue.heartbeat(this.run, `${hostname()}:${process.pid}`);
      const count = await this.queue.serving(this.run);
      if (!this.ended) this.onWorkers(count);
      if (count > 0) this.onServed();
    } catch (error) {
      // the connection's watcher decides when an outage is too long; a Redis that answers but
      // refuses writes (out of memory under noeviction) refuses the workers' reports too, and
      // the run would wait for them for ever: it ends now, in one line
      const said = refusal(error);
      if (said.startsWith('OOM ') && !this.ended) this.fatal(new PrunError('ERR_QUEUE_LOST', `the queue at ${this.queue.url} refuses writes: ${said}`));
    }
  }

  private take(report: Report): void {
    if (report.type === 'refused') {
      this.refused(report);
      return;
    }
    const entry = this.outstanding.get(report.batch);
    if (report.type === 'run' && report.run.count > 0 && (!entry || entry.local || (entry.delivery !== undefined && report.delivery !== entry.delivery))) this.sayRanAgain(report, entry);
    if (!entry || entry.local) return; // a late report of a batch already over, or run here
    if (report.type === 'start') {
      this.onServed();
      // a take after the first (its machine died, or handed it back) started its inputs again:
      // they run as that attempt, which the joblog says too
      const again = report.attempt > entry.batch.attempt;
      entry.batch.attempt = Math.max(entry.batch.attempt, report.attempt);
      // BullMQ hands a job out again only once its holder's lock lapsed, or the holder handed it
      // back: that holder is gone. A take that starts where the reports stopped (from 0, or
      // from where a handing-back worker's left off) goes on with the batch; any other would run
      // again what was reported: what was not runs again as a batch of its own
      if (entry.delivery === undefined || entry.done === (report.from ?? 0)) {
        entry.delivery = report.delivery;
        entry.worker = report.worker;
        if (again) this.sayRunAgain(entry, report.from ?? 0, entry.batch.attempt, report.worker);
      } else {
        this.sayRunAgain(entry, entry.done, undefined);
        this.lose(entry, 'unknown');
      }
      return;
    }
    // only the latest take of a batch is heard: a stalled one that wakes up is a duplicate
    if (report.delivery !== entry.delivery || !this.outstanding.isNext(entry, report.from)) return;
    if (report.type === 'lost') {
      this.lose(entry, blameOf(report));
      return;
    }
    this.settle(entry, report.from, report.run, report.last, report.elapsedMs);
  }

  /**
   * A worker refused the run (another PRUN_QUEUE_SECRET, a script it cannot load, another
   * version). The queue works, and other workers may be running its inputs: they are asked to
   * stop, and what they end with is heard, for up to REFUSED_GRACE_MS, as after a Ctrl-C (was:
   * the run ended at once, an input that then ended well counted as never ran, to be run again
   * by a --resume: a review). With nothing running elsewhere it ends at once: a worker of an
   * older prun never reports the batch it took and refused, and one that ignores its signal
   * would hold the run for ever.
   */
  private refused(report: Extract<Report, { type: 'refused' }>): void {
    const first = this.refusal === undefined;
    this.refusal ??= { error: new PrunError('ERR_QUEUE', `a worker refused the run: ${report.message}`), workers: new Set() };
    this.refusal.workers.add(report.worker);
    const { error } = this.refusal;
    if (!this.runsElsewhere()) {
      this.fatal(error);
      return;
    }
    if (first) {
      // said at once, as a Ctrl-C's stop is: the run's error line comes once they have ended
      this.notice(`prun: ${report.worker} refused the run: starting no more inputs; waiting up to ${REFUSED_GRACE_MS / 1000} s for the running ones`);
      const grace = setTimeout(() => this.fatal(error), REFUSED_GRACE_MS);
      grace.unref();
      this.timers.push(grace);
    }
    this.fatal(error, 'soon');
  }

  /**
   * Whether an input of the run may be running on a worker that did not refuse it (or on the
   * producer's own): a batch a refusing worker took and never reported is not waited for (was,
   * for a commit: the full grace, behind a worker of an older prun, which does not report it).
   */
  private runsElsewhere(): boolean {
    const refusing = this.refusal?.workers;
    return [...this.outstanding.entries()].some((entry) => entry.local || (entry.delivery !== undefined && !refusing?.has(entry.worker!)));
  }

  /**
   * Inputs run by a take of their batch that is no longer its take: its machine froze (or lost
   * Redis) past its locks, and another took the batch, or finished it, meanwhile; woken, it went
   * on with what it had lined up before it learnt so. Their results are dropped, but what they
   * did was done again, and no attempt counts it: said, once a batch (was: said nowhere, a
   * review). Also a report sent twice, which did not run twice: hence "may".
   */
  private sayRanAgain(report: Extract<Report, { type: 'run' }>, entry: Outstanding | undefined): void {
    if (this.saidRanAgain.has(report.batch)) return;
    this.saidRanAgain.add(report.batch);
    // a batch already over is known by the report's word alone (was: "ran 1 input", unnamed: a review)
    const batchFirst = entry?.batch.first ?? report.first;
    const which = batchFirst === undefined ? `${report.run.count} input${report.run.count === 1 ? '' : 's'}` : inputsNamed(batchFirst + report.from, report.run.count);
    this.notice(`prun: ${report.worker} ran ${which} after another worker had taken ${report.run.count === 1 ? 'it' : 'them'} over (its machine froze, or lost Redis, past its locks): the results are dropped, but what ${report.run.count === 1 ? 'it' : 'they'} did may have been done twice`);
  }

  /**
   * A take of a batch counts the takes before it as starts (their machines died, or froze, or
   * left holding it): what it runs from `from` on starts again as `attempt`, said as a local
   * worker's loss is (was: said nowhere, a review: only ctx.attempt and the joblog showed it).
   * A worker takes batches ahead of running them, and a dead one cannot say which it had
   * begun: the line says "perhaps" (was: "after it began them", of a batch that never had).
   */
  private sayRunAgain(entry: Outstanding, from: number, attempt: number | undefined, worker?: string): void {
    const count = entry.batch.count - from;
    if (count <= 0) return;
    const [them, they] = count === 1 ? ['it', 'it runs'] : ['them', 'they run'];
    const as = attempt === undefined ? 'again' : `as attempt ${attempt}`;
    this.notice(`prun: ${inputsNamed(entry.batch.first + from, count)} ${count === 1 ? 'was' : 'were'} taken over${worker ? ` by ${worker}` : ''} from a worker that died, froze or left holding ${them}, perhaps after it began ${them}: ${they} ${as}, every start counted in ctx.attempt`);
  }

  private settle(entry: Outstanding, from: number, run: ExecutorRun, last: boolean, elapsedMs: number): void {
    this.outstanding.report(entry, run.count, last);
    this.listener!.run(entry.batch, from, run, last, elapsedMs);
    if (last) this.listener!.free();
  }

  /** How the producer's own workers reach the run's batches. */
  private laneHost(): LaneHost {
    return {
      outstanding: () => this.outstanding.entries(),
      withdraw: (entry: Outstanding) => (this.stops.stopped || this.ended ? Promise.resolve(undefined) : this.queue.withdraw(this.run, entry.batch.id)),
      claim: (entry: Outstanding, takes: number): boolean => {
        if (!this.outstanding.holds(entry)) return false;
        // taken off the queue just as the run began to stop: it never runs
        if (this.stops.stopped) {
          this.drop(entry);
          return false;
        }
        entry.local = true;
        // a worker that held it died after reporting some: the rest runs again as a batch of its own
        if (entry.done > 0) {
          this.lose(entry, 'unknown');
          return false;
        }
        // each take of a worker's that counts (it started the batch, and died or froze before it
        // reported) makes this one the next attempt, as a prun worker's take would be (was: the
        // same one, a start fewer; then, for a while, one more for a take handed back unstarted: a review)
        const again = entry.firstAttempt + takes > entry.batch.attempt;
        entry.batch.attempt = Math.max(entry.batch.attempt, entry.firstAttempt + takes);
        if (again) this.sayRunAgain(entry, 0, entry.batch.attempt, 'this machine');
        return true;
      },
      run: (entry: Outstanding, from: number, run: ExecutorRun, last: boolean, elapsedMs: number) => {
        if (this.outstanding.holds(entry)) this.settle(entry, from, run, last, elapsedMs);
      },
      lost: (entry: Outstanding, blame: Blame) => {
        if (this.outstanding.holds(entry)) this.lose(entry, blame);
      },
      drop: (entry: Outstanding) => this.drop(entry),
      fatal: (error: Error) => this.fatal(error),
    };
  }

  private lose(entry: Outstanding, blame: Blame): void {
    this.outstanding.release(entry);
    this.listener!.lost(entry.batch, entry.done, blame);
    this.listener!.free();
  }

  private async check(): Promise<void> {
    const down = this.queue.health.downSince();
    if (down !== undefined && Date.now() - down > OUTAGE_LIMIT_MS) {
      this.fatal(new PrunError('ERR_QUEUE_LOST', `lost the queue at ${this.queue.url}: ${this.queue.health.cause()}`));
      return;
    }
    if (down !== undefined || this.outstanding.load === 0) return;
    const remote = [...this.outstanding.entries()].filter((entry) => !entry.local).map((entry) => entry.batch.id);
    const failed = await this.queue.failed(this.run, remote).catch(() => []);
    for (const id of failed) {
      const entry = this.outstanding.get(id);
      if (!entry || entry.local) continue;
      // its worker machine died (or froze) each time it held the batch, the last time as it
      // ran the batch alone, one input at a time: the input it had started is the culprit, as
      // when a local worker dies on a batch run alone. Any other input may have been running
      // on that machine beside another batch, or not at all: they run again alone
      const marks = await this.queue.marks(this.run, id).catch(() => undefined);
      const culprit = marks?.alone !== undefined && marks.alone === entry.done && marks.done === entry.done;
      this.lose(entry, culprit ? { culprit: machineDied(MAX_STALLED_COUNT + 1) } : 'unknown');
    }
  }

  private fatal(error: Error, when: 'now' | 'soon' = 'now'): void {
    if (this.ended) return;
    // soon, the producer still beats and keeps the run's keys while its inputs end
    if (when === 'now') for (const timer of this.timers) clearInterval(timer);
    this.listener!.fatal(error, when);
  }
}

function withinMs(ms: number, work: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    work.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}

/** `input 11`, `inputs 11–12`: as the summary and failure lines number them. */
function inputsNamed(first: number, count: number): string {
  return count === 1 ? `input ${first}` : `inputs ${first}–${first + count - 1}`;
}
