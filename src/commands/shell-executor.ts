import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Failure, laneExited, timedOut } from '../model/failure.js';
import type { Batch, Placement } from '../model/batch.js';
import type { Blame, Executor, ExecutorListener } from '../model/executor.js';
import { PrunError } from '../errors.js';
import { makeScratchDir, removeScratchDir, scratchWriteError } from '../io/scratch-dir.js';
import { atExit } from '../runtime/at-exit.js';
import { type LongTimeout, setLongTimeout } from '../runtime/long-timeout.js';
import { ranSince, setRunTimeout } from '../runtime/stop-clock.js';
import { leastLoaded } from '../slots/pick.js';
import { StartFailures } from '../slots/start-failures.js';
import { jobArgs, NUL_REPLACED } from './job-inputs.js';
import { once } from '../model/once.js';
import { HeldOutput } from './held-output.js';
import { type JobCommand, type JobCommandOptions, JobCommands } from './job-commands.js';
import { hasOutput, outputBytes, removeFile, takeOutput, takeStderr } from './job-output.js';
import { jobRecord, type JobRecordOptions } from './job-record.js';
import { outputPrinted, type JobEnd, parseStatusLine, recordResult, recordStderr, recordStopped, takeRun } from './job-results.js';
import { Lane, type LaneExit } from './lane.js';
import { type HeldBatch, type LaneJob, LaneSlot } from './lane-slot.js';
import { MedianRuntime } from './median-runtime.js';
import { OutputRoom } from './output-room.js';

export interface ShellExecutorOptions extends JobCommandOptions {
  /** Jobs at once: one lane each. */
  jobs: number;
  timeoutMs: number | undefined;
  /** GNU parallel's `--timeout N%`: a job is timed out past this times the median runtime of the jobs that succeeded. */
  timeoutOfMedian?: number | undefined;
  /** Report each job's duration (for --joblog). */
  timings: boolean;
  /** How many more times a failed input is tried. */
  retries: number;
  /** A job's stderr, whole, as soon as the job ends (without groupStderr). */
  onStderr(text: string): void;
  /**
   * A job's stderr goes in its run, to be printed in its turn right after its stdout, as GNU
   * parallel groups them (`-k ... 2>&1` keeps a job's lines together and in input order); one
   * bigger than GROUPED_STDERR_BYTES still goes to onStderr as the job ends, a piece at a time.
   */
  groupStderr?: boolean;
  /** Each command on stderr as its job is given to a lane (GNU parallel's -t). */
  showCommands?: boolean;
  /** --delay: the least time between the starts of two jobs, in any lanes. */
  delayMs?: number;
  /**
   * Jobs start one at a time, in input order, as under --delay (oneAtATime): --halt, so that
   * the inputs that never ran are those after the last that started, as GNU parallel's.
   */
  inInputOrder?: boolean;
  /** --results FILE.csv/.tsv/.json: each job's output is its record, as GNU parallel writes them. */
  records?: JobRecordOptions;
  /** The lanes' shell (/bin/sh by default): bash when jobs need exported bash functions; in tests, lanes that die at start. */
  shell?: string;
  /** Where the jobs run (GNU parallel's --workdir): prun's directory by default. */
  workdir?: string;
  /** Where the jobs' output files are kept (GNU parallel's --tmpdir): see makeScratchDir. */
  tmpdir?: string;
  /** --results DIR: where the jobs write their output files too; a full disk there loses output as well. */
  resultsDir?: string;
}

/** A job's stderr held to be printed in its turn is at most this big (see groupStderr). */
const GROUPED_STDERR_BYTES = 1 << 20;
/** Jobs a lane is given at once: the running one, and the next, so the lane never waits for prun. */
const JOBS_AHEAD = 2;
/** Batches a lane holds: the one running and the next. */
const BATCHES_PER_LANE = 2;
/** How long a job may take to end after SIGTERM before its process group is sent SIGKILL. */
const TERM_GRACE_MS = 1000;
/**
 * --delay: what a job's own first command may come later after its `S` than the last job's
 * did (its shell starting, then the command's fork): 0.2-2 ms measured, so jobs timing their
 * starts saw them 1 ms closer than --delay without it (1 gap in 19).
 */
const START_MARGIN_MS = 5;

/**
 * The executor for `prun exec`: one shell lane per job slot (see lane-script.ts) runs the
 * jobs of the batches it is given, one after the other. It plays the part the worker pool
 * plays for `prun map`, so ordering, retries, halting, --timeout and the joblog work alike.
 * Lanes start as batches need them (a batch that finds no idle lane starts one), up to
 * `jobs`: `-j 3000` on three inputs starts at most three.
 */
export class ShellExecutor implements Executor {
  readonly capacity: number;
  readonly ready: Promise<void>;
  private markReady!: () => void;
  private listener!: ExecutorListener;
  private readonly commands: JobCommands;
  private readonly slots: LaneSlot[] = [];
  private dir = '';
  /** Lanes that died before they were ready, since one last was: counted from the first. */
  private readonly starts = new StartFailures({ fatalUntilReady: false });
  /** Names the next job's files. */
  private nextStem = 0;
  /** An input held a NUL: said once (see jobArgs). */
  private readonly onNul = once(() => this.options.onStderr(NUL_REPLACED));
  private readonly heldOutput = new HeldOutput(() => this.onReleased());
  /** Every job file freed tells the room of the jobs' output (OutputRoom.given). */
  private readonly onFreed = (bytes: number): void => this.outputRoom?.given(bytes);
  private pumpAllQueued = false;
  /** When the last job started (oneAtATime): when its lane said so, or else when it was given out. */
  private lastStart = Number.NEGATIVE_INFINITY;
  /** oneAtATime: the job given out last, until its lane says it started (see pumpInOrder). */
  private awaitedStart: { slot: LaneSlot; job: LaneJob } | undefined;
  /** --delay: pumps the lanes again once the next job may start. */
  private delayTimer: LongTimeout | undefined;
  private stopped = false;
  /** The running jobs were asked to stop (stopRunning): one that fails from then on did not run. */
  private abortedRunning = false;
  /** A job cannot go on (its files, its command): the run is stopping for it (cannotGoOn). */
  private gaveUp = false;
  /** The disks of the jobs' output, once the scratch folder is made. */
  private outputRoom: OutputRoom | undefined;
  private closing = false;
  private readonly exits = new Set<Promise<void>>();
  /** Lanes being ended (a timeout, kill()), until what their jobs started is gone too. */
  private readonly endings = new Set<Promise<void>>();
  /** Lanes whose process group may still hold something of prun's: to end if prun exits. */
  private readonly lanes = new Set<Lane>();
  /** `--timeout N%`: the runtimes of the jobs that succeeded. */
  private readonly runtimes: MedianRuntime | undefined;

  constructor(private readonly options: ShellExecutorOptions) {
    this.commands = new JobCommands(options);
    this.capacity = options.jobs * BATCHES_PER_LANE;
    this.runtimes = options.timeoutOfMedian === undefined ? undefined : new MedianRuntime(options.timeoutOfMedian);
    this.ready = new Promise((resolve) => {
      this.markReady = resolve;
    });
  }

  start(listener: ExecutorListener): void {
    this.listener = listener;
    try {
      this.dir = makeScratchDir(this.options.tmpdir);
    } catch (error) {
      listener.fatal(error as PrunError);
      return;
    }
    this.outputRoom = new OutputRoom(this.dir, this.options.resultsDir, (error) => this.cannotGoOn(error));
    this.forgetAtExit = atExit(this.onProcessExit);
  }

  /**
   * --delay and --halt start jobs one at a time, in input order (pumpInOrder): a lane holds one
   * job and none ahead. Was: batches ahead, so that a lane that freed up started its later input
   * while an earlier one waited behind a busy lane's running job, or for its lane to start; a
   * halt then left that earlier input never run, though later ones had (`--halt soon,fail=1
   * 'echo {}; exit {}' ::: 0 0 1 2 3` printed `0 1`, 1 run in 70).
   */
  private get oneAtATime(): boolean {
    return this.options.delayMs !== undefined || this.options.inInputOrder === true;
  }

  room(placement: Placement, ahead: boolean): number {
    if (!this.place(placement, ahead)) return 0;
    return this.oneAtATime ? 1 : Number.POSITIVE_INFINITY;
  }

  submit(batch: Batch, ahead: boolean): void {
    const place = this.place(batch, ahead);
    if (!place) throw new Error('prun: a batch was submitted to shell lanes with no room');
    const slot = place === 'new' ? this.startLane() : place;
    slot.ledger.accept({ batch, args: undefined, written: 0, done: 0, pending: undefined, startedAt: undefined });
    this.pumpAny(slot);
  }

  stop(abortRunning = false): void {
    if (!this.stopped) {
      this.stopped = true;
      this.clearDelay();
      // lanes skip the jobs they were given ahead; the running ones finish, unless asked to stop
      try {
        if (this.dir) writeFileSync(join(this.dir, 'stop'), '');
      } catch {
        // the directory is gone: so are the lanes
      }
      for (const slot of this.slots) this.report(slot);
    }
    if (abortRunning) this.stopRunning();
  }

  /**
   * Ctrl-C (or SIGTERM): the running jobs are asked to stop, as a task's ctx.signal is, and as
   * GNU parallel ends its jobs: SIGTERM to each job's tree, SIGKILL after the grace; their lanes
   * live on and say how they ended. A job that fails from then on did not run (recordStopped),
   * as a task that fails once its signal aborted; one that ends well ran. Was: left to run for
   * the 10 s grace, since the lanes' own groups keep the terminal's Ctrl-C from them, then
   * killed and counted as never run all the same.
   */
  private stopRunning(): void {
    if (this.abortedRunning) return;
    this.abortedRunning = true;
    for (const slot of this.slots) if (slot.jobs[0] && !slot.timedOut) void slot.lane?.endJob(TERM_GRACE_MS);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.clearDelay();
    this.markReady(); // no input may have needed a lane
    for (const slot of this.slots) {
      if (slot.state === 'dead') continue;
      slot.moveTo('ending');
      slot.lane?.endInput();
    }
    await this.lanesGone();
  }

  async kill(): Promise<void> {
    this.closing = true;
    this.clearDelay();
    this.markReady();
    for (const slot of this.slots) {
      if (slot.state === 'dead') continue;
      slot.moveTo('ending');
      this.endLane(slot.lane!);
    }
    await this.lanesGone();
  }

  /** Stops onProcessExit from running at exit: the lanes are gone. */
  private forgetAtExit: () => void = () => {};

  /** Waits for every lane, and then what was left of its group, to be gone; then tidies up. */
  private async lanesGone(): Promise<void> {
    // a lane's exit starts the ending of what is left of its group: awaited after the exits
    await Promise.all(this.exits);
    await Promise.all(this.endings);
    this.removeDir();
    this.forgetAtExit();
  }

  /**
   * prun is exiting with lanes still running (the reader of its stdout went away, and it exits
   * at once): end their jobs and remove their files now. The lanes' lifeline would end the
   * jobs too, but a moment later, and could not remove the directory of a live process.
   */
  private readonly onProcessExit = (): void => {
    for (const lane of this.lanes) lane.abandon();
    this.removeDir();
  };

  private endLane(lane: Lane): void {
    const ending = lane.end(TERM_GRACE_MS);
    if (this.endings.has(ending)) return;
    this.endings.add(ending);
    void ending.then(() => {
      this.endings.delete(ending);
      this.lanes.delete(lane);
    });
  }

  /**
   * The ready lane with the fewest batches that may take one; isolated batches run alone.
   * Every job is a fresh `sh -c` already, so a fresh batch needs no more than that.
   */
  private pick({ isolated }: Placement, ahead: boolean): LaneSlot | undefined {
    if (this.stopped || this.closing) return undefined;
    return leastLoaded(this.slots, isolated, ahead ? BATCHES_PER_LANE : 1);
  }

  /**
   * Where a batch goes: an idle lane; else a new lane, where -j allows one more (the batch
   * waits for it to start rather than queue behind a busy lane); else a busy lane, `ahead`
   * (never under --delay: `oneAtATime`).
   */
  private place(placement: Placement, ahead: boolean): LaneSlot | 'new' | undefined {
    if (this.stopped || this.closing) return undefined;
    const slot = this.pick(placement, ahead && !this.oneAtATime);
    if (slot?.ledger.load === 0) return slot;
    if (this.slots.length < this.options.jobs || this.slots.some((other) => other.state === 'dead')) return 'new';
    return slot;
  }

  /** A lane in the lowest free slot, as GNU parallel numbers `{%}`. */
  private startLane(): LaneSlot {
    let slot = this.slots.find((other) => other.state === 'dead');
    if (!slot) {
      slot = new LaneSlot(this.slots.length + 1);
      this.slots.push(slot);
    }
    this.spawn(slot);
    return slot;
  }

  private spawn(slot: LaneSlot): void {
    slot.moveTo('starting'); // a slot reused: the lane it had is dead
    slot.timedOut = undefined;
    let exited!: () => void;
    const exit = new Promise<void>((resolve) => {
      exited = resolve;
    });
    this.exits.add(exit);
    // --pipe's blocks go with the lanes' files when prun is gone (was: left in /dev/shm after kill -9)
    const lane: Lane = new Lane(this.options.shell ?? '/bin/sh', [this.dir, this.options.stdinFrom], this.options.workdir, this.oneAtATime, {
      ready: () => {
        if (!slot.moveTo('ready')) return;
        this.starts.ready();
        this.markReady();
        this.pumpAny(slot);
        this.listener.free();
      },
      lines: (lines) => this.onLines(slot, lines),
      exit: (info) => {
        this.exits.delete(exit);
        this.onExit(slot, lane, info);
        exited();
      },
    });
    slot.lane = lane;
    this.lanes.add(lane);
  }

  /**
   * Gives the lane jobs until it has JOBS_AHEAD of them, while big output held leaves room;
   * one at least: whoever calls this has decided that one may start (see pumpAny).
   */
  private pump(slot: LaneSlot): void {
    if (slot.state !== 'ready' || this.stopped) return;
    if (this.oneAtATime) {
      this.pumpInOrder(this.options.delayMs);
      return;
    }
    let lines = '';
    while (slot.jobs.length < JOBS_AHEAD && (!this.heldOutput.full || lines === '')) {
      const held = slot.nextToWrite();
      const line = held && this.jobLine(slot, held);
      if (line === undefined) break;
      lines += line;
    }
    if (lines) slot.lane!.send(lines);
  }

  /**
   * --delay and --halt (oneAtATime): a lane gets one job at a time, so that the job starts as it
   * is written, once the last one given out has started, and under --delay only once `delay` has
   * passed since the last start in any lane; until then a timer waits, and
   * the lanes go on reporting what ends meanwhile. The job that starts is the earliest input
   * any free lane holds, not the asking lane's own: each lane holds one (room()), and one that
   * frees up early would otherwise start a later input first (GNU parallel starts them in
   * input order). An earlier input held by a lane still starting is waited for, not overtaken
   * (was: on a loaded machine, a lane slower to start than --delay ran its input after later
   * ones); its lane's ready pumps again.
   * The delay counts from when the last job started, as its lane says (`S`), not from when it
   * was written to the lane: a lane's read and fork took a time that varied by tens of ms on a
   * loaded machine, and jobs timing their own starts saw them up to 10% closer than --delay
   * (GNU parallel's were never closer).
   */
  private pumpInOrder(delay: number | undefined): void {
    if (this.delayTimer || this.startAwaited()) return;
    const next = this.earliestToWrite((slot) => (slot.state === 'ready' && slot.jobs.length === 0) || slot.state === 'starting');
    if (!next || next.slot.state !== 'ready') return;
    // in input order alone (--halt): a job starts as soon as the one before it has
    const wait = delay === undefined ? 0 : this.lastStart + delay + START_MARGIN_MS - performance.now();
    if (wait > 0) {
      // a --delay past 2^31-1 ms (1000h) waits in steps (was: setTimeout fired every 1 ms, each with a warning)
      this.delayTimer = setLongTimeout(() => {
        this.delayTimer = undefined;
        this.pumpAll();
      }, wait);
      return;
    }
    const line = this.jobLine(next.slot, next.held);
    if (line === undefined) return;
    this.lastStart = performance.now();
    this.awaitedStart = { slot: next.slot, job: next.slot.jobs.at(-1)! };
    next.slot.lane!.send(line);
  }

  /** oneAtATime: the job given out last has not said that it started, and still may. */
  private startAwaited(): boolean {
    const awaited = this.awaitedStart;
    if (awaited && awaited.slot.jobs[0] === awaited.job && awaited.slot.state === 'ready') return true;
    // it ended (or its lane did) without a word: the delay counts from when it was given out
    this.awaitedStart = undefined;
    return false;
  }

  private clearDelay(): void {
    this.delayTimer?.clear();
    this.delayTimer = undefined;
  }

  /** Every lane that may take a job gets its next ones (see pumpAny). */
  private pumpAll(): void {
    if (!this.heldOutput.full) for (const slot of this.slots) this.pump(slot);
    else this.pumpAny(undefined);
  }

  /** No job is running or waiting in any lane. */
  private idle(): boolean {
    return this.slots.every((slot) => slot.jobs.length === 0);
  }

  /** Output was written to stdout (or dropped): jobs held back may start. */
  private onReleased(): void {
    if (this.pumpAllQueued) return;
    this.pumpAllQueued = true;
    // after whatever closed it is done: a close may come from inside the executor's own work
    queueMicrotask(() => {
      this.pumpAllQueued = false;
      this.pumpAll();
    });
  }

  /**
   * Gives `slot` its next jobs. While too much output is held, none start, with one exception
   * so that the run cannot stall: in input order, the output held may wait for an earlier
   * input that a lane holds but has not run. Then, once no job runs, that one runs alone.
   */
  private pumpAny(slot: LaneSlot | undefined): void {
    if (!this.heldOutput.full) {
      if (slot) this.pump(slot);
      return;
    }
    if (!this.idle()) return;
    const earliest = this.earliestToWrite((other) => other.state === 'ready');
    if (earliest && earliest.index < this.heldOutput.latestInput) this.pump(earliest.slot);
  }

  /** Of the lanes `eligible` says may count, the one holding the earliest input not yet given to it. */
  private earliestToWrite(eligible: (slot: LaneSlot) => boolean): { slot: LaneSlot; held: HeldBatch; index: number } | undefined {
    let earliest: { slot: LaneSlot; held: HeldBatch; index: number } | undefined;
    for (const slot of this.slots) {
      const held = eligible(slot) ? slot.nextToWrite() : undefined;
      if (!held) continue;
      const index = held.batch.first + held.written;
      if (earliest === undefined || index < earliest.index) earliest = { slot, held, index };
    }
    return earliest;
  }

  /**
   * Every job's files get a name of their own, never used again: a process that a job left
   * running, still writing to its stdout, writes into a file that nobody reads any more,
   * never into another job's output.
   */
  private jobLine(slot: LaneSlot, held: HeldBatch): string | undefined {
    const offset = held.written++;
    held.args ??= jobArgs(held.batch.payload, held.batch.separator, this.onNul);
    const args = held.args[offset]!;
    const stem = String(this.nextStem++);
    let made: JobCommand;
    try {
      made = this.commands.make(this.dir, stem, args, held.batch.first + offset + 1, slot.number);
    } catch (error) {
      // an input too long to make a command of, or a command file that could not be written
      // (a full disk): the job never starts, and the run stops (was: a crash, with a stack)
      held.written--;
      this.cannotGoOn(error instanceof PrunError ? error : scratchWriteError("write a job's command", this.dir, error as NodeJS.ErrnoException));
      return undefined;
    }
    const { line, script, shown, tag } = made;
    if (this.options.showCommands) this.options.onStderr(`${shown}\n`);
    const job: LaneJob = { held, offset, args, tag, stem, command: shown, script, startedAt: 0, timer: undefined };
    slot.jobs.push(job);
    if (slot.jobs.length === 1) this.started(slot, job, performance.now());
    return line;
  }

  /** The lane has moved on to `job`: its clock starts. */
  private started(slot: LaneSlot, job: LaneJob, now: number): void {
    job.startedAt = now;
    job.held.startedAt ??= now;
    this.armTimeout(slot, job);
  }

  /**
   * Times `job` out at its --timeout from its start, or now if that is past: by the clock that
   * leaves out a Ctrl-Z's stop (was: `--timeout N%` armed again after a stop timed out early).
   */
  private armTimeout(slot: LaneSlot, job: LaneJob): void {
    const timeout = this.options.timeoutMs ?? this.runtimes?.timeoutMs();
    if (timeout === undefined) return;
    job.timer?.clear();
    job.timeoutMs = timeout;
    job.timer = setRunTimeout(() => this.timeOut(slot, job), Math.max(0, timeout - ranSince(job.startedAt)));
  }

  /**
   * `--timeout N%`: a job succeeded, having run `job`'s time (a stop left out); the median moves,
   * and with it the timeout of the jobs running, as GNU parallel checks each against the timeout
   * of the moment.
   */
  private succeeded(job: LaneJob): void {
    if (!this.runtimes) return;
    this.runtimes.add(ranSince(job.startedAt));
    for (const slot of this.slots) {
      const running = slot.jobs[0];
      if (running && running.startedAt > 0) this.armTimeout(slot, running);
    }
  }

  private timeOut(slot: LaneSlot, job: LaneJob): void {
    // a lane that exited first (a job killed its shell) is reported as that, once its exit is
    // (was: a timeout, SIGTERM, though the job was killed by SIGKILL before it)
    if (slot.jobs[0] !== job || slot.state !== 'ready' || !slot.lane?.pid || slot.lane.hasExited) return;
    slot.moveTo('ending');
    slot.timedOut = job;
    // the lane leads the job's process group: the whole tree ends, and the lane's exit reports it
    this.endLane(slot.lane);
  }

  private onLines(slot: LaneSlot, lines: string[]): void {
    const now = performance.now();
    for (const line of lines) {
      if (line === 'S') {
        if (this.awaitedStart?.slot === slot) this.lastStart = now;
        this.awaitedStart = undefined;
        continue;
      }
      const job = slot.jobs.shift();
      if (!job) throw new Error(`prun: a shell lane reported a job it was not given: ${JSON.stringify(line)}`);
      job.timer?.clear();
      // '-': skipped because prun is stopping
      const end = line === '-' ? undefined : this.outputRoom!.check(parseStatusLine(line));
      if (end?.failure && this.abortedRunning) {
        this.finishStopped(slot, job, end.failure, now);
        continue;
      }
      if (end) this.finish(slot, job, end, now);
      if (end && !end.failure) this.succeeded(job);
      this.removeJobFiles(job, !end || outputPrinted(job, end.failure, this.options));
      const next = slot.jobs[0];
      if (next) this.started(slot, next, now);
    }
    // reported before the lane is given more: a failure that halts the run stops it first
    this.report(slot);
    this.pumpAny(slot);
  }

  /**
   * Jobs' files cannot be written (exit 74), or a job's command cannot be made (ERR_INPUT):
   * the run stops, once, as --halt now would.
   */
  private cannotGoOn(error: PrunError): void {
    if (this.gaveUp) return;
    this.gaveUp = true;
    this.listener.fatal(error);
  }

  private finish(slot: LaneSlot, job: LaneJob, end: JobEnd, now: number): void {
    if (this.options.records) return this.finishAsRecord(job, end, now, this.options.records);
    const files = join(this.dir, job.stem);
    const tag = job.tag === undefined ? undefined : `${job.tag}\t`;
    const stdout = takeOutput(`${files}.o`, end.stdout, tag, this.heldOutput.onClosing, this.onFreed);
    if (typeof stdout !== 'string') this.heldOutput.add(stdout, job.held.batch.first + job.offset);
    // output in a file is its run's only output: what came before it is reported first
    const { held } = job;
    if (typeof stdout !== 'string' && held.pending) this.deliver(slot, held, false);
    recordResult(job, end.failure, stdout, now - job.startedAt, this.options);
    // a try that is tried again says nothing, as GNU parallel prints only the last try
    const stderr = end.stderr && outputPrinted(job, end.failure, this.options);
    if (stderr && this.options.groupStderr && outputBytes(`${files}.e`) <= GROUPED_STDERR_BYTES) {
      let text = '';
      takeStderr(`${files}.e`, true, tag, (piece) => (text += piece), this.onFreed);
      recordStderr(job, text);
    } else takeStderr(`${files}.e`, stderr, tag, this.options.onStderr, this.onFreed);
    if (held.pending?.file) this.deliver(slot, held, false);
  }

  /**
   * --results FILE.csv/.tsv/.json: the job's output, whole, goes in its record with what ran
   * and how it ended, and the record is its output; nothing is printed on stderr.
   */
  private finishAsRecord(job: LaneJob, end: JobEnd, now: number, records: JobRecordOptions): void {
    const files = join(this.dir, job.stem);
    const whole = (path: string, notEmpty: boolean) => {
      let text = '';
      takeStderr(path, notEmpty, undefined, (piece) => (text += piece), this.onFreed);
      return text;
    };
    const fields = {
      seq: job.held.batch.first + job.offset + 1,
      startedAt: performance.timeOrigin + job.startedAt,
      runtimeMs: now - job.startedAt,
      command: job.command,
      args: job.args,
      stdout: whole(`${files}.o`, end.stdout),
      stderr: whole(`${files}.e`, end.stderr),
      tag: job.tag,
      failure: end.failure,
    };
    recordResult(job, end.failure, jobRecord(fields, records), now - job.startedAt, this.options);
  }

  /**
   * The files a job's line named, besides its output (which finish() or onExit() takes). Its
   * --pipe block only after its `last` try: a try that failed with tries left runs again on it.
   */
  private removeJobFiles(job: LaneJob, last: boolean): void {
    if (job.script) removeFile(job.script, this.onFreed);
    if (this.options.stdinFrom !== undefined && last) removeFile(this.commands.blockOf(job.args), this.onFreed);
  }

  /**
   * The job prun ended its lane for, at its --timeout, fails with what it wrote until then
   * printed, as GNU parallel prints it (its output was taken at the lane's end: what a process
   * it left writes later is printed nowhere). Its batch is reported as over when it was its last.
   */
  private finishTimedOut(slot: LaneSlot, job: LaneJob): void {
    const files = join(this.dir, job.stem);
    const end = { failure: timedOut(job.timeoutMs!), stdout: hasOutput(`${files}.o`), stderr: hasOutput(`${files}.e`) };
    this.finish(slot, job, end, performance.now());
    this.removeJobFiles(job, outputPrinted(job, end.failure, this.options));
    this.deliverIfOver(slot, job.held);
  }

  /**
   * A job failed once asked to stop (stopRunning): it did not run, and what it wrote is not
   * printed. Its batch is reported as over when it was its last.
   */
  private finishStopped(slot: LaneSlot, job: LaneJob, failure: Failure, now: number): void {
    for (const file of [`${job.stem}.o`, `${job.stem}.e`]) removeFile(join(this.dir, file), this.onFreed);
    this.removeJobFiles(job, true);
    recordStopped(job, failure, now - job.startedAt, this.options);
    this.deliverIfOver(slot, job.held);
  }

  /** Reports the batch as over when the job just recorded was its last. */
  private deliverIfOver(slot: LaneSlot, held: HeldBatch): void {
    if (reportedOf(held) === held.batch.count) this.deliver(slot, held, true);
  }

  /**
   * Reports pending results, batch by batch in the lane's order. A batch is over when all its
   * inputs are reported or, once prun is stopping, when the lane has none of its jobs left.
   */
  private report(slot: LaneSlot): void {
    let freed = false;
    for (const held of slot.ledger.entries()) {
      const over = reportedOf(held) === held.batch.count || (this.stopped && !slot.hasJobsOf(held));
      if (held.pending || over) this.deliver(slot, held, over);
      if (over) freed = true;
    }
    if (freed) this.listener.free();
  }

  /**
   * Reports the batch's pending results. The ledger records them (and releases a batch that is
   * over) before the pipeline hears of them: what it does then (stop, on a halt) sees them done.
   */
  private deliver(slot: LaneSlot, held: HeldBatch, last: boolean): void {
    const run = takeRun(held);
    const from = slot.ledger.report(held, run.count, last);
    const elapsedMs = held.startedAt === undefined ? 0 : performance.now() - held.startedAt;
    this.listener.run(held.batch, from, run, last, elapsedMs);
  }

  private onExit(slot: LaneSlot, lane: Lane, exit: LaneExit): void {
    if (slot.lane !== lane) return;
    const was = slot.die();
    if (slot.timedOut !== undefined && slot.timedOut === slot.jobs[0]) this.finishTimedOut(slot, slot.jobs.shift()!);
    // a lane that died while its job was asked to stop (a job that killed it, or the grace's SIGKILL)
    if (this.abortedRunning && slot.jobs[0]?.startedAt) this.finishStopped(slot, slot.jobs.shift()!, laneExited(exit.code, exit.signal), performance.now());
    for (const job of slot.jobs) {
      job.timer?.clear();
      // what a job that was running wrote is not printed: a process it left may write on, unread
      for (const file of [`${job.stem}.o`, `${job.stem}.e`, `${job.stem}.sh`]) removeFile(join(this.dir, file), this.onFreed);
    }
    // what the lane left of its group (a job ignoring SIGTERM, a process it started) goes with
    // it; a lane that ended cleanly has sent its group SIGTERM, and what ignored it gets SIGKILL
    // after the grace (was: left running past prun's end)
    this.endLane(lane);
    if (was === 'starting' && !this.closing) {
      const fatal = this.starts.died(exit.startError ?? laneExited(exit.code, exit.signal).message);
      if (fatal) {
        this.listener.fatal(fatal);
        return;
      }
    }
    const running = slot.jobs[0];
    for (const held of slot.ledger.lose()) {
      if (held.pending) this.deliver(slot, held, false);
      const blame = running?.held === held ? this.blame(slot, running, exit) : 'none';
      this.listener.lost(held.batch, held.done, blame);
    }
    slot.jobs.length = 0;
    // the next batch that finds no idle lane starts one again, in the lowest free slot
    this.listener.free();
    // one at a time: the other lanes' jobs may have waited for this one's start, which never came
    if (this.oneAtATime) this.pumpAll();
  }

  /**
   * Only the job that was running is to blame; the ones given ahead never started. When prun
   * ended the lane for a timeout, the job that ran into it is reported already
   * (finishTimedOut); one running then had just taken its place, was only in the way, and
   * runs again.
   */
  private blame(slot: LaneSlot, running: LaneJob, exit: LaneExit): Blame {
    if (slot.timedOut) return 'none';
    const culprit = laneExited(exit.code, exit.signal);
    // reported up to CLOSE_WAIT_MS after its lane exited: the row says when that was
    return running.startedAt > 0 ? { culprit, durationMs: exit.exitedAt - running.startedAt, endedAt: performance.timeOrigin + exit.exitedAt } : { culprit };
  }

  private removeDir(): void {
    if (this.dir) removeScratchDir(this.dir);
  }
}

/** The batch's inputs reported, or recorded to be: those done and those pending. */
function reportedOf(held: HeldBatch): number {
  return held.done + (held.pending?.count ?? 0);
}
