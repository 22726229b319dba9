import { setTimeout as delay } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { onStops, ranSince, setRunTimeout } from '../runtime/stop-clock.js';
import type { Batch, Placement } from '../model/batch.js';
import type { Blame, Executor, ExecutorListener } from '../model/executor.js';
import { timedOut } from '../model/failure.js';
import { formatDuration } from '../model/duration-text.js';
import { PrunError } from '../errors.js';
import { BRAND, TEARDOWN_FAILED_EXIT, type FromWorker, type ResultFormat, type RunReport, type ToWorker } from '../runtime/protocol.js';
import { type RuntimeKind, startWorker, type WorkerExit } from '../runtime/runtime.js';
import { loadBoundMs, loadTimedOut, startError } from '../script/load-error.js';
import { IdleDeaths, MAX_WAIT_MS } from '../slots/idle-deaths.js';
import { leastLoaded } from '../slots/pick.js';
import { startCause, StartFailures } from '../slots/start-failures.js';
import { type InFlight, isCold, WorkerSlot } from './worker-slot.js';

export interface PoolOptions {
  runtime: RuntimeKind;
  workers: number;
  /** Batches each worker runs at once (async tasks in flight). */
  concurrency: number;
  /** A worker is replaced after this many inputs. */
  maxTasksPerWorker: number | undefined;
  memoryLimitMb: number | undefined;
  timeoutMs: number | undefined;
  /** Report each input's duration. */
  timings: boolean;
  /** Workers start while the script is still being compiled: they load it when this resolves. */
  modulePath: Promise<string>;
  /** The script as its user named it, for a worker to say which script it cannot run. */
  scriptName?: string;
  format: ResultFormat;
  /**
   * Inputs not yet run, or at most this many, once the end of the input is known: no more
   * workers start, and of those started with the pool, the ones beyond this number when the
   * script is compiled end before they run setup().
   */
  inputsLeft?: () => number | undefined;
  /**
   * Workers started with the pool are given the script once this settles too: under --resume,
   * once the inputs an earlier run finished at the start of the input are left out, so that
   * `inputsLeft` counts only what is left to run.
   */
  leadingSkipped?: Promise<void> | undefined;
  /** Where the pool's one-line notices go (the CLI's stderr); none: they are not said (the library prints nothing). */
  notice?: (line: string) => void;
}

/**
 * How long a worker's oldest batch must have run before a batch queued behind it is asked back
 * for a worker with a lane free: 5 times what a batch is sized to take (auto-batch.ts), so
 * that batches of quick inputs never bounce between workers.
 */
const STEAL_AFTER_MS = 100;
/** How often the pool looks for such a batch. */
const STEAL_CHECK_MS = 50;
/** How long teardown() may take once the work is done before its worker is killed. */
const TEARDOWN_GRACE_MS = 5000;
/** How long a timed-out task may take to stop before its worker is ended. */
export const TIMEOUT_GRACE_MS = 1000;
/** Slack for a worker blocked by a task that never yields, beyond the timeout and its grace. */
const WATCHDOG_SLACK_MS = 500;
/**
 * How long the workers of a run ended at once (--halt now, the consumer gone) have to abort
 * their running tasks' signals before they are ended: a message is handled within it unless
 * a task holds its worker's thread, as GNU parallel sends its jobs SIGTERM before SIGKILL.
 */
const KILL_NOTICE_MS = 50;

/**
 * The local executor: a pool of forked processes or worker threads. Workers start once and
 * are reused; each runs up to `concurrency` batches and, once batches are known to be short,
 * holds as many more, so that none of its lanes waits for the next: lanes of async tasks end
 * together (a turn of the event loop fires many timers), and with one batch ahead all but
 * one of them waited a round trip through the main thread.
 */
export class Pool implements Executor {
  readonly capacity: number;
  /**
   * Settles once a worker is ready, or the pool closes with none ready (a worker that could not
   * start): the run then shows its end as any other does.
   */
  readonly ready: Promise<void>;
  private markReady!: () => void;
  /** Settles once as many workers as the pool starts with have been ready, or the pool has ended. */
  readonly allReady: Promise<void>;
  private markAllReady!: () => void;
  /** Workers that became ready, and those that died while starting since one last did. */
  private readonly starts = new StartFailures({ fatalUntilReady: true });
  /** Starts that failed and did not end the run: how many, and the last one's cause. */
  private failedStarts: { count: number; cause: string } | undefined;
  /** Settles when a worker first begins the script's setup() (never, for a script without one). */
  readonly settingUp: Promise<void>;
  private markSettingUp!: () => void;
  private readonly slots = new Set<WorkerSlot>();
  /** How many workers the pool keeps: fewer than asked for when the input is shorter. */
  private target: number;
  /** Workers started with the pool that were given the script. */
  private initialized = 0;
  private listener: ExecutorListener | undefined;
  private stopped = false;
  /** The stop asked running tasks to stop too. */
  private abortRunning = false;
  private closing = false;
  private readonly exits = new Set<Promise<void>>();
  private watchdog: NodeJS.Timeout | undefined;
  private unlistenStops: (() => void) | undefined;
  private stealer: NodeJS.Timeout | undefined;
  /** Batches given in this turn of the event loop go out at its end, a message a worker. */
  private sendScheduled = false;
  /** Why a batch could not be sent: room() throws it, as submit() would have. */
  private unsendable: unknown;
  /** The compiled script, once workers may be given it (see PoolOptions.leadingSkipped). */
  private readonly scriptGiven: Promise<[string, void]>;
  /** Workers that died between inputs in a row, and the replacements that wait for it (idle-deaths.ts). */
  private readonly idleDeaths = new IdleDeaths();
  private readonly laterSpawns = new Set<NodeJS.Timeout>();

  constructor(private readonly options: PoolOptions) {
    this.capacity = options.workers * 2 * options.concurrency;
    this.target = options.workers;
    this.ready = new Promise((resolve) => {
      this.markReady = resolve;
    });
    this.allReady = new Promise((resolve) => {
      this.markAllReady = resolve;
    });
    this.settingUp = new Promise((resolve) => {
      this.markSettingUp = resolve;
    });
    this.scriptGiven = Promise.all([options.modulePath, options.leadingSkipped]);
    // a script that failed to compile is reported by whoever awaits it, started or not
    this.scriptGiven.catch(() => {});
  }

  start(listener: ExecutorListener): void {
    this.listener = listener;
    this.spawn(true);
    if (this.options.workers > 1) setImmediate(this.spawnFromStart);
    const timeout = this.options.timeoutMs;
    if (timeout !== undefined) {
      this.watchdog = setInterval(() => this.checkBlocked(timeout), Math.max(50, Math.min(1000, timeout / 4)));
      this.watchdog.unref();
    }
    this.stealer = setInterval(() => this.steal(), STEAL_CHECK_MS);
    this.stealer.unref();
    // a Ctrl-Z's time is no time run for the workers' --timeout either (stop-clock.ts): told
    // before they are stopped, and before they are continued
    this.unlistenStops = onStops({
      began: () => this.tellAll({ brand: BRAND, type: 'stop-began' }),
      ended: (ms) => this.tellAll({ brand: BRAND, type: 'stop-ended', ms }),
    });
  }

  /** The watchdog, the stealer and the stop listener go once the pool closes or is killed. */
  private stopWatching(): void {
    clearInterval(this.watchdog);
    clearInterval(this.stealer);
    this.unlistenStops?.();
    for (const timer of this.laterSpawns) clearTimeout(timer);
    this.laterSpawns.clear();
  }

  private tellAll(message: ToWorker): void {
    for (const slot of this.slots) if (slot.state !== 'dead') slot.send(message);
  }

  /**
   * Throws why a batch submitted earlier could not be sent (an input structured clone cannot
   * carry), once it is known: with several lanes a batch goes at the end of the turn, after
   * submit() has returned, and a run must end with that error all the same.
   */
  room(placement: Placement, ahead: boolean): number {
    if (this.unsendable !== undefined) throw this.unsendable;
    const slot = this.pick(placement, ahead);
    return slot ? this.quota(slot) : 0;
  }

  submit(batch: Batch, ahead: boolean): boolean {
    const slot = this.pick(batch, ahead);
    if (!slot) throw new Error('prun: a batch was submitted to a pool with no room');
    const cold = isCold(slot);
    if (slot.ledger.load === 0) slot.lastHeard = performance.now();
    slot.hold(batch);
    // one lane takes one batch at a time: its next one gains nothing from waiting for others
    if (this.options.concurrency === 1) slot.sendBatches();
    else if (!this.sendScheduled) {
      this.sendScheduled = true;
      setImmediate(this.sendBatches);
    }
    return cold;
  }

  private readonly sendBatches = (): void => {
    this.sendScheduled = false;
    for (const slot of this.slots) {
      try {
        slot.sendBatches();
      } catch (error) {
        // the pipeline asks for room again once woken, and learns of it then
        this.unsendable ??= error;
        this.listener!.free();
      }
    }
  };

  stop(abortRunning = false): void {
    this.stopped = true;
    this.abortRunning ||= abortRunning;
    for (const slot of this.slots) if (slot.state === 'ready' || slot.state === 'retiring') slot.send(this.stopMessage());
  }

  private stopMessage(): ToWorker {
    return { brand: BRAND, type: 'stop', abort: this.abortRunning };
  }

  async close(): Promise<void> {
    this.closing = true;
    this.stopWatching();
    // a run that ended before its workers were given the script (--resume, nothing left to
    // run) still loads it in one, as a run of no input does: a script that cannot load is
    // reported all the same, and no worker is told to end before it was told to start (was:
    // 'a worker died as it ended' under --threads)
    await this.scriptGiven.catch(() => {});
    this.markReady();
    this.markAllReady();
    for (const slot of this.slots) {
      // stopped (Ctrl-C, a halt) while its setup() still runs: nothing of it is owed, no task
      // ran there and teardown() follows only a setup() that ended (was: up to 5 s more). At
      // a normal end it finishes its setup() and runs teardown(), as every worker does, within
      // the grace: a setup() and its teardown() go together
      if (this.stopped && slot.state === 'starting') slot.worker.kill();
      else if (slot.state !== 'ending') this.end(slot);
    }
    await Promise.all(this.exits);
    this.sayFailedStarts();
  }

  async kill(): Promise<void> {
    this.closing = true;
    this.stopWatching();
    this.markReady();
    this.markAllReady();
    // the running tasks are told first, as at Ctrl-C: their ctx.signal aborts (a fetch given it
    // ends), and what fails from then on stopped because it was told to (was: ended unaware)
    const running = [...this.slots].some((slot) => slot.state === 'ready' || slot.state === 'retiring');
    if (running && !this.abortRunning) {
      this.stop(true);
      await Promise.race([Promise.all(this.exits), delay(KILL_NOTICE_MS)]);
    }
    // ending ones too (a teardown() still running as the reader of stdout went): an exit the pool
    // caused is no death to tell of (was: 'a worker died as it ended', a terminated thread exits 1)
    for (const slot of this.slots) {
      slot.endedFor ??= 'killed';
      slot.worker.kill();
    }
    await Promise.all(this.exits);
  }

  /**
   * The ready worker with the fewest batches that may take one; isolated batches run alone.
   * A fresh batch takes a worker that has run nothing, or waits for one that is starting
   * (the replacement of the worker that died); when none is (another batch took it), it
   * runs alone on any worker rather than wait for ever.
   */
  private pick({ isolated, fresh }: Placement, ahead: boolean): WorkerSlot | undefined {
    if (this.stopped) return undefined;
    if (fresh) {
      const unused = leastLoaded(this.slots, true, 0, this.unused);
      if (unused || this.anyStarting()) return unused;
    }
    return leastLoaded(this.slots, isolated || fresh, this.options.concurrency * (ahead ? 2 : 1), this.hasTasksLeft);
  }

  private readonly hasTasksLeft = (slot: WorkerSlot): boolean => this.quota(slot) > 0;
  private readonly unused = (slot: WorkerSlot): boolean => slot.tasksGiven === 0 && this.quota(slot) > 0;

  /** Whether a worker (but `except`) is starting. */
  private anyStarting(except?: WorkerSlot): boolean {
    for (const slot of this.slots) if (slot !== except && slot.state === 'starting') return true;
    return false;
  }

  private quota(slot: WorkerSlot): number {
    const max = this.options.maxTasksPerWorker;
    return max === undefined ? Number.POSITIVE_INFINITY : max - slot.tasksGiven;
  }

  /** How many workers the pool keeps (known once the script is compiled). */
  get workers(): number {
    return this.target;
  }

  private spawn(fromStart = false): void {
    const worker = startWorker(this.options.runtime, { memoryLimitMb: this.options.memoryLimitMb, concurrency: this.options.concurrency });
    const slot = new WorkerSlot(worker);
    this.slots.add(slot);
    let exited!: () => void;
    const exit = new Promise<void>((resolve) => {
      exited = resolve;
    });
    this.exits.add(exit);
    worker.onMessage((message) => this.onMessage(slot, message));
    worker.onExit((info) => {
      this.exits.delete(exit);
      this.onExit(slot, info);
      exited();
    });
    this.scriptGiven.then(
      ([modulePath]) => {
        // stopped first (Ctrl-C while the joblog's inputs were left out): no setup() starts after it
        if (fromStart && (this.stopped || this.beyondInputs())) return this.endUnneeded(slot);
        if (fromStart) this.initialized++;
        slot.send({
          brand: BRAND,
          type: 'init',
          config: {
            modulePath,
            scriptName: this.options.scriptName,
            format: this.options.format,
            concurrency: this.options.concurrency,
            timeoutMs: this.options.timeoutMs,
            graceMs: TIMEOUT_GRACE_MS,
            timings: this.options.timings,
          },
        });
      },
      () => worker.kill(), // compiling failed; whoever awaited it reports why
    );
  }

  /**
   * Whether the input turned out to have fewer inputs than the workers given the script so
   * far, while it compiled (`echo a | prun map f.ts` on 64 cores: was 64 workers, 64 setup()s).
   */
  private beyondInputs(): boolean {
    const left = this.options.inputsLeft?.();
    return left !== undefined && this.initialized >= Math.max(1, left);
  }

  /**
   * The workers the pool starts with, one a turn of the event loop, while the input may need
   * them: a short input's end, read meanwhile, stops them. Was: all at once, so `--procs 64`
   * on two lines forked 64 processes, some 0.1 s of CPU each here, to end 62 before setup().
   */
  private readonly spawnFromStart = (): void => {
    if (this.closing || this.stopped || this.kept() >= this.target) return;
    const left = this.options.inputsLeft?.();
    if (left !== undefined && this.kept() >= Math.max(1, left)) {
      this.target = this.kept();
      if (this.starts.readyCount >= this.target) this.markAllReady();
      return;
    }
    this.spawn(true);
    this.listener!.free(); // room for batches
    setImmediate(this.spawnFromStart);
  };

  /** Workers that are not ending: those the pool keeps. */
  private kept(): number {
    let count = 0;
    for (const slot of this.slots) if (slot.state !== 'ending') count++;
    return count;
  }

  /** Ends a worker started with the pool that no input needs, before it runs the script. */
  private endUnneeded(slot: WorkerSlot): void {
    this.target--;
    // its exit is no death to tell of (was: 'a worker died as it ended', under --threads)
    slot.endedFor = 'unneeded';
    slot.moveTo('ending');
    slot.worker.kill();
  }

  /**
   * The part of its start a worker begins now (its import, its setup()) ends it past `boundMs`,
   * with the failure `failure` says, in place of any bound on the part before. In steps past
   * 2^31-1 ms (was: --timeout 1000h ended every worker in setup() at 1 ms).
   */
  private boundStart(slot: WorkerSlot, boundMs: number, failure: (boundMs: number) => PrunError): void {
    slot.setupTimer?.clear();
    slot.setupTimer = setRunTimeout(() => {
      slot.startFailure = failure(boundMs);
      slot.worker.kill();
    }, boundMs);
  }

  private onMessage(slot: WorkerSlot, message: FromWorker): void {
    slot.lastHeard = performance.now();
    switch (message.type) {
      case 'loading': {
        // a top-level await that never settles: was a silent hang, whatever --timeout said
        const timeout = this.options.timeoutMs;
        if (timeout !== undefined) this.boundStart(slot, loadBoundMs(timeout), (bound) => loadTimedOut(bound, this.options.scriptName));
        return;
      }
      case 'setup': {
        this.markSettingUp();
        const timeout = this.options.timeoutMs;
        if (timeout !== undefined) this.boundStart(slot, timeout, (bound) => new PrunError('ERR_SETUP', `setup() ${timedOut(bound).message}`));
        return;
      }
      case 'ready':
        slot.setupTimer?.clear();
        // one told to end while it started stays ending
        slot.moveTo('ready');
        this.markReady();
        this.counted(this.starts.ready());
        if (this.stopped) slot.send(this.stopMessage());
        this.listener!.free();
        return;
      case 'setup-failed': {
        slot.setupTimer?.clear();
        // the script threw when imported, or its setup() did
        const failure = startError(message.error, message.setup);
        if (!this.starts.everReady && !this.closing && !this.anyStarting(slot)) {
          // no worker ever started, and none is left starting: nothing can run at all
          this.listener!.fatal(failure);
          return;
        }
        // a replacement, or one of several: counted when it is gone, as any death at start
        slot.startFailure = failure;
        slot.worker.kill();
        return;
      }
      case 'runs':
        slot.givenAtReport = slot.given;
        for (const report of message.runs) this.onRun(slot, report);
        return;
      case 'withdrawn': {
        // given back unbegun: it runs where a lane is free, its inputs never started here
        const entry = slot.ledger.get(message.id);
        if (!entry || !slot.ledger.release(entry)) return;
        slot.tasksGiven -= entry.batch.count;
        this.listener!.lost(entry.batch, 0, 'none');
        this.listener!.free();
        return;
      }
      case 'teardown-failed':
        this.options.notice?.(`prun: teardown() failed in a worker: ${message.error.message}`);
        return;
      case 'stuck':
        // its timed-out task is already reported; what else it holds is blamed as blame() says
        slot.endedFor = 'stuck';
        slot.worker.kill();
        return;
      default:
        throw new Error(`prun: unknown message from a worker: ${JSON.stringify(message)}`);
    }
  }

  private onRun(slot: WorkerSlot, report: RunReport): void {
    const entry = slot.ledger.get(report.id);
    if (!entry) throw new Error(`prun: a worker reported batch ${report.id}, which it does not hold`);
    // the input at `done` began by now, or as it was said to (the same input said to run again
    // keeps its start)
    const runningAgain = entry.running && report.count === 0;
    entry.running = report.running === true;
    entry.lastWords = report.lastWords;
    if (!runningAgain || entry.runningSince === undefined) entry.runningSince = performance.now() - (report.runningMs ?? 0);
    entry.started = true;
    if (report.count === 0 && !report.last) return; // only says that an input starts
    if (report.count > 0) this.idleDeaths.ran();
    // a failure heard after the stop asked tasks to stop did not run, whenever the worker heard
    // the stop: a message sent to a worker may reach it milliseconds after a failing task's
    // timer (under load: 40 ms), and the stop is what the user saw (was: reported failed)
    if (this.abortRunning && report.failures.length > 0) report.failures = report.failures.map((failure) => ({ ...failure, stopped: true }));
    const from = slot.ledger.report(entry, report.count, report.last);
    this.listener!.run(entry.batch, from, report, report.last, report.elapsedMs);
    if (report.last) this.afterBatch(slot);
  }

  /**
   * A batch queued on a worker behind one that has run long (a slow input) waited for it while
   * another worker sat idle: `a slow b c d` on two workers printed b after slow, 5 s late (a
   * review), and an input behind one that hangs never ran. While a worker has a lane free, the
   * newest batch queued behind a long one elsewhere is asked back (one a check); the worker
   * gives it back unless a lane has begun it, and it goes where a lane is free, as never run.
   */
  private steal(): void {
    if (this.stopped || this.closing) return;
    const lanes = this.options.concurrency;
    const free = (slot: WorkerSlot): boolean => slot.state === 'ready' && slot.ledger.load < lanes && !slot.ledger.holdsIsolated;
    if (![...this.slots].some(free)) return;
    const now = performance.now();
    for (const slot of this.slots) {
      if (slot.state !== 'ready' || slot.ledger.load <= lanes || slot.hasUnsent) continue;
      const entries = [...slot.ledger.entries()];
      if (now - entries[0]!.heldAt < STEAL_AFTER_MS) continue;
      const newest = entries.at(-1)!;
      if (newest.started || newest.withdrawing || newest.batch.isolated) continue;
      newest.withdrawing = true;
      slot.send({ brand: BRAND, type: 'withdraw', id: newest.batch.id });
      return;
    }
  }

  /** A task that never yields blocks its worker's event loop: no message comes at all. */
  private checkBlocked(timeoutMs: number): void {
    for (const slot of this.slots) {
      if (slot.state !== 'ready' && slot.state !== 'retiring') continue;
      if (slot.ledger.load === 0 || slot.endedFor !== undefined) continue;
      // a Ctrl-Z's stop is no time run, under way or over (stop-clock.ts)
      if (ranSince(slot.lastHeard) > timeoutMs + TIMEOUT_GRACE_MS + WATCHDOG_SLACK_MS) {
        slot.endedFor = 'blocked';
        slot.worker.kill();
      }
    }
  }

  /** A worker became ready, the `readies`-th. */
  private counted(readies: number): void {
    // the first: those of the first to start that died starting are replaced now (see onExit),
    // and the rest start at once, but no more than the inputs, once their number is known
    // (was: all of --procs 64 on 50 lines, when the first was ready before 50 had started)
    if (readies === 1 && !this.closing && !this.stopped) {
      const left = this.options.inputsLeft?.();
      if (left !== undefined) this.target = Math.min(this.target, Math.max(this.kept(), 1, left));
      while (this.kept() < this.target) this.spawn();
    }
    if (readies === this.target) this.markAllReady();
  }

  /** A worker that has run its share of tasks is replaced once its batches are done, while inputs are left for it. */
  private afterBatch(slot: WorkerSlot): void {
    if (this.quota(slot) <= 0) slot.moveTo('retiring');
    if (slot.state === 'retiring' && slot.ledger.load === 0) {
      this.end(slot);
      if (!this.closing && !this.stopped && this.inputsForNewWorker()) this.spawn();
    }
    this.listener!.free();
  }

  /**
   * Whether inputs are left that no worker runs or can start now, when their number is known:
   * once the others run every input left, or have a lane free for it, a retired worker is not
   * replaced (was: `--max-tasks-per-child 1 ::: a b` started and set up two workers more,
   * after the last input, for nothing: a review). A lane counts for one input; a batch held
   * ahead, behind a busy lane, and a busy worker's tasks to come count for none: a new worker
   * takes such a batch back (withdraw), and no input waits for a long task to end (was, for a
   * while: `--procs 2` ran one input at a time behind one: a review). A batch sent to a free
   * lane and not started yet is taken: it starts as soon as the message gets there (was: counted
   * as left, its worker's quota spent on it, and a worker started and set up for nothing under
   * `--threads --max-tasks-per-child 1`, now and then: a review). An input tried again, or
   * lost with a worker, is one left again.
   */
  private inputsForNewWorker(): boolean {
    const left = this.options.inputsLeft?.();
    if (left === undefined) return true;
    let taken = 0;
    for (const slot of this.slots) {
      const entries = [...slot.ledger.entries()];
      const started = entries.filter((entry) => entry.started);
      for (const entry of started) taken += entry.batch.count - entry.done;
      if (slot.state !== 'starting' && slot.state !== 'ready') continue;
      let freeLanes = this.options.concurrency - started.length;
      for (const entry of entries) {
        if (entry.started || freeLanes <= 0) continue;
        taken += entry.batch.count - entry.done;
        freeLanes--;
      }
      taken += Math.min(this.quota(slot), Math.max(0, freeLanes));
    }
    return left > taken;
  }

  private end(slot: WorkerSlot): void {
    slot.moveTo('ending');
    slot.send({ brand: BRAND, type: 'end' });
    setTimeout(() => {
      slot.endedFor ??= 'grace';
      slot.worker.kill();
    }, TEARDOWN_GRACE_MS).unref();
  }

  private onExit(slot: WorkerSlot, exit: WorkerExit): void {
    slot.setupTimer?.clear();
    const was = slot.die();
    const expected = was === 'ending' || this.closing;
    this.slots.delete(slot);
    if (expected && slot.ledger.load === 0) {
      // the one worker of a run that closed before any was ready (--resume, nothing left to
      // run) could not start: the script cannot run, as with no input at all (exit 2)
      const fatal = !this.stopped && slot.startFailure !== undefined && !this.starts.everReady && this.starts.died(slot.startFailure);
      if (fatal) this.listener!.fatal(fatal);
      else if (!this.stopped) this.sayEnding(slot, was === 'ending', exit);
      return;
    }
    const startCause = slot.startFailure ?? exit.failure.message;
    if (was === 'starting' && this.startFailed(startCause)) return;
    const entries = slot.ledger.lose();
    const blames = entries.map((entry, position) => this.blame(slot, exit, entries.length, entry, position));
    this.sayRunAgain(slot, exit, entries, blames);
    entries.forEach((entry, position) => this.listener!.lost(entry.batch, entry.done, blames[position]!));
    // no input is to blame, or fails: without this line the death (a throw in a timer of an
    // input that had returned) would pass unseen
    const between = (was === 'ready' || was === 'retiring') && !expected && !this.stopped && slot.endedFor === undefined && blames.every((blame) => blame === 'none' || (typeof blame === 'object' && 'unbegun' in blame));
    const waitMs = between && entries.length === 0 ? this.idleDeaths.died() : 0;
    if (between && waitMs === 0) this.options.notice?.(`prun: a worker died between inputs (${exit.failure.message}); it is replaced, and no input is lost`);
    if (waitMs > 0 && this.idleDeaths.firstToWait) {
      this.options.notice?.(`prun: workers keep dying between inputs (${exit.failure.message}); each is replaced after a wait, doubling up to ${MAX_WAIT_MS / 1000} s, until an input runs to its end; no input is lost`);
    }
    // before any worker was ready, one whose script said it cannot start is replaced once one is
    // ready (counted()): respawned now, it would be started for ever, each death leaving others starting
    const replace = was !== 'starting' || this.starts.replacesNow(startCause);
    if (!this.closing && !this.stopped && replace) {
      if (waitMs === 0) this.spawn();
      else this.spawnAfter(waitMs);
    }
    this.listener!.free();
  }

  /** Starts a worker in `ms`, unless the pool has closed or stopped by then. */
  private spawnAfter(ms: number): void {
    const timer = setTimeout(() => {
      this.laterSpawns.delete(timer);
      if (this.closing || this.stopped) return;
      this.spawn();
      this.listener!.free();
    }, ms);
    this.laterSpawns.add(timer);
  }

  /**
   * A worker died before it was ready. A script that says it cannot start, before any worker
   * was ever ready, ends the run at once: nothing can run. Else a start may fail by chance,
   * but not again and again: respawned for ever it would make no progress (StartFailures).
   * True when the run is to end.
   */
  private startFailed(cause: string | PrunError): boolean {
    if (this.closing) return false;
    const fatal = this.starts.died(cause, this.anyStarting());
    if (fatal) this.listener!.fatal(fatal);
    else this.noteFailedStart(cause);
    return fatal !== undefined;
  }

  /**
   * What a worker that held nothing did as it ended, when it is worth a word (`told`: it was
   * told to end, not ended as the pool closed). Without one, each passed unseen.
   */
  private sayEnding(slot: WorkerSlot, told: boolean, exit: WorkerExit): void {
    // told to end while its setup() ran, which then failed: said as the run closes, and its
    // exit is that failure's (was: also 'a worker died as it ended', under --threads)
    if (slot.startFailure !== undefined) return this.noteFailedStart(slot.startFailure);
    if (!told) return;
    // a setup(), teardown() or timer of its own that would not end held the run for the grace
    // (was: a busy timer's 5 s looked like prun's own)
    if (slot.endedFor === 'grace') {
      this.options.notice?.(`prun: a worker was still busy ${TEARDOWN_GRACE_MS / 1000} s after it was told to end (its setup(), teardown() or a timer of its own), and was ended`);
      return;
    }
    // a throw or a process.exit(N) in a timer of its last inputs (was: silent, or never heard,
    // the worker gone before the timer); a teardown() that threw was said as it came (teardown-failed)
    const died = exit.crashed || (exit.code !== null && exit.code !== 0 && exit.code !== TEARDOWN_FAILED_EXIT);
    if (slot.endedFor !== undefined || !died) return;
    // one still in its setup() when told to end never ran an input (was: said as one that had: a review)
    const what = slot.wasReady ? `a worker died as it ended (${exit.failure.message})` : `a worker could not start (${exit.failure.message}): it died in its setup() as the run ended`;
    this.options.notice?.(`prun: ${what}; no input is lost`);
  }

  /**
   * Inputs that run again because which of them took the worker down is not known (several
   * lanes, or quick inputs none of which said it started, then an input that blocked it past
   * --timeout): said in one line, since each such input starts again, its attempt counted (was:
   * in silence, and a death that its re-run did not repeat was never heard of, exit 0). So are
   * those known to have finished whose results were lost with a thread (start-slot.ts).
   */
  private sayRunAgain(slot: WorkerSlot, exit: WorkerExit, entries: readonly InFlight[], blames: readonly Blame[]): void {
    if (this.closing || this.stopped) return;
    let again = 0;
    let finished = 0;
    entries.forEach((entry, position) => {
      const blame = blames[position]!;
      const knownDone = typeof blame === 'object' && 'finished' in blame;
      if (knownDone) finished += blame.finished;
      const rest = knownDone ? blame.then : blame;
      if (rest === 'unknown') again += entry.batch.count - entry.done;
      // the inputs it had finished run again alone as well; those after the suspect do not
      if (rest === 'suspect') again += (knownDone ? blame.finished : 0) + 1;
    });
    const timeout = this.options.timeoutMs === undefined ? '' : formatDuration(this.options.timeoutMs);
    const why = slot.endedFor === 'blocked' ? `an input ran past --timeout ${timeout}` : exit.failure.message;
    if (again === 0 && finished > 0) {
      const inputs = finished === 1 ? 'an input it had finished, whose result was not reported yet: it runs again, its start' : `${finished} inputs it had finished, whose results were not reported yet: they run again, each start`;
      return this.options.notice?.(`prun: a worker was lost (${why}) with ${inputs} counted in ctx.attempt`);
    }
    if (again === 0) return;
    const inputs = again === 1 ? '1 unreported input runs' : `${again} unreported inputs run`;
    const rerun = `again, alone, each start counted in ctx.attempt`;
    // the one that ran past --timeout is named and failed already: the others' lanes went on meanwhile
    if (slot.endedFor === 'stuck') return this.options.notice?.(`prun: a worker was ended for an input past --timeout ${timeout}; which of its other inputs had started is not known: its ${inputs} ${rerun}`);
    this.options.notice?.(`prun: a worker was lost (${why}) and which input did it is not known: its ${inputs} ${rerun}`);
  }

  private noteFailedStart(cause: string | PrunError): void {
    this.failedStarts = { count: (this.failedStarts?.count ?? 0) + 1, cause: startCause(cause) };
  }

  /**
   * Starts that failed without ending the run, said once as it closes: when the workers that
   * did start ran every input, the replacement whose setup() threw was never heard of (exit
   * 0, a review). A run that ends for them says so itself (`workers keep dying at start`).
   */
  private sayFailedStarts(): void {
    if (!this.failedStarts) return;
    const { count, cause } = this.failedStarts;
    const which = count === 1 ? `a worker could not start (${cause}); the run went on without it` : `${count} workers could not start (the last: ${cause}); the run went on without them`;
    this.options.notice?.(`prun: ${which}`);
    this.failedStarts = undefined;
  }

  /**
   * A worker with one lane runs its batches in the order given, so behind the first only
   * batches that never started; and before each input that was not quick it says that this
   * input starts: when that was the last it said, that input is to blame, and only it. Else
   * (quick inputs, several lanes) any input from `done` on may have been running.
   */
  private blame(slot: WorkerSlot, exit: WorkerExit, batches: number, entry: InFlight, position: number): Blame {
    // a worker of one lane stops at its stuck task: nothing else it held began. With several
    // lanes the others went on starting inputs until it was ended: those are run again, each
    // start counted (was: 'none', their next start with the same attempt number)
    if (slot.endedFor === 'stuck') return this.options.concurrency === 1 || entry.givenAs > slot.givenAtReport ? 'none' : 'unknown';
    const oneLane = this.options.concurrency === 1 || batches === 1;
    if (this.options.concurrency === 1 && position > 0) return 'none';
    // a worker that tells had not begun the batch: it died between inputs, most often not of
    // the batch's doing; counted all the same, in case it died of receiving it
    if ((this.options.concurrency === 1 || entry.batch.isolated) && !entry.started) return { unbegun: exit.failure };
    const timeout = this.options.timeoutMs;
    // one said to run past its --timeout, whose worker died in its grace (of the input's own
    // timer, say), had timed out first (was: ERR_WORKER_EXIT: a review)
    const pastDeadline = timeout !== undefined && entry.running && entry.runningSince !== undefined && ranSince(entry.runningSince) >= timeout;
    const culprit = (slot.endedFor === 'blocked' || pastDeadline) && timeout !== undefined ? timedOut(timeout) : exit.failure;
    // a thread wrote which input it began (start-slot.ts): those before it had finished, and it
    // is to blame if it was in its own code; awaiting, only if the worker had said it runs: as
    // it started (any input not quick), as it awaited a whole tick, or as it died in the input's
    // own code (worker-loop.ts: its owner). Else another input's timer may have ended the
    // worker: it is a suspect, as below, not blamed for being its batch's last. Those after it
    // never began (was: run again as suspects, their one start counted as the second)
    const last = this.options.concurrency === 1 ? slot.worker.lastStart?.() : undefined;
    if (last && last.batch === entry.batch.id && last.offset >= entry.done) {
      const finished = last.offset - entry.done + (last.phase === 'settled' ? 1 : 0);
      // how long it ran is known only of the input the worker's last word was of
      const blamed: Blame = finished === 0 ? { culprit, durationMs: performance.now() - (entry.runningSince ?? entry.heldAt) } : { culprit };
      const told = finished === 0 && entry.running;
      const then: Blame = last.phase === 'settled' ? 'none' : last.phase === 'calling' || told ? blamed : 'suspect';
      return finished === 0 ? then : { finished, then };
    }
    // it said as it died that it was between inputs (what it had not reported never began), or
    // that a quick input awaited: the first unreported, as the words carry the results before
    // it; a suspect, whatever its place in the batch, and those after it never began. A
    // thread's slot, above, says more: which of its inputs had finished
    if (entry.lastWords === 'between') return 'none';
    if (entry.lastWords === 'awaiting') return 'suspect';
    // a batch's last input unreported on a worker that ran nothing else was the one running
    // (unless its result was lost with the worker, before it was sent)
    const lastLeft = entry.done === entry.batch.count - 1;
    if (!oneLane || !(entry.running || lastLeft)) return 'unknown';
    // it began by the worker's last word of the batch (then, or as it was said to start), or
    // once the batch was given when none came: how long it ran, at the least
    return { culprit, durationMs: performance.now() - (entry.runningSince ?? entry.heldAt) };
  }
}
