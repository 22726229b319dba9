import { AsyncLocalStorage } from 'node:async_hooks';
import { findSourceMap } from 'node:module';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { type Failure, taskFailed } from '../model/failure.js';
import { toErrorData } from '../runtime/error-data.js';
import { BRAND, TEARDOWN_FAILED_EXIT, type BatchOrder, type FromWorker, type RunReport, type ToWorker, type WorkerConfig } from '../runtime/protocol.js';
import { scriptLoadError, SetupThrew, setupThrew, withScriptName } from '../script/load-error.js';
import { listenForDeath, saidLastWords, sayAtDeath, sayNoMore } from './last-words.js';
import { ReportQueue } from './report-queue.js';
import { RunBuffer } from './run-buffer.js';
import { runWithTimeout, TaskRun } from './run-task.js';
import { PayloadReader } from '../model/payload.js';
import { StartSlot } from '../runtime/start-slot.js';
import { stopBegan, stopEnded } from '../runtime/stop-clock.js';
import type { UserModule } from './user-module.js';

/** What the loop needs of its side of the boundary: the thread and process shims provide it. */
export interface WorkerTransport {
  post(message: FromWorker): void;
  /**
   * Posts, and settles once the message is out of this worker (written to the pipe): said
   * before an input starts, it must reach the pool even if the input kills the worker at once.
   */
  postOut(message: FromWorker): Promise<void> | void;
  onMessage(handler: (message: ToWorker) => void): void;
  /** The worker's configuration, as it arrives, before the script loads. */
  configure(config: WorkerConfig): void;
  /** Ends the worker with this code, once what it printed is out: it may return first. */
  exit(code: number): void;
}

/**
 * A long batch still reports what it has every so often, so results stream to the user while
 * the batch runs.
 */
const FLUSH_INTERVAL_MS = 50;
/** Output held before it is sent, however quick the batch: results sent early die young. */
const FLUSH_BYTES = 1 << 16;
/** Inputs between clock reads, at most, and the time under which they count as quick. */
const MAX_CLOCK_STRIDE = 64;
const QUICK_MS = 1;
/** Async inputs of 1 ms or more in a row before a lone lane's inputs carry their owner (runWorkerLoop). */
const SLOW_AWAITS_TO_OWN = 8;
/**
 * Quick inputs in a row, each timed, before the clock is read less often. Until then every
 * input is timed, so that among tasks of mixed lengths a slow one is always seen and the input
 * after it told of: read every other input after a single quick one, a slow input went
 * unmeasured, and a death of the next re-ran it (finished) and started the culprit twice.
 */
const QUICK_RUN = 64;
/**
 * How long the loop runs batches before it lets the worker's event loop turn, so that what the
 * user's code left to it (a timer, a socket's data, an interval from setup()) runs about this
 * often. Was: a thread ran batch after batch in one go, each input awaited as a microtask: a
 * setTimeout(0) set by a task fired 1.2 s late, one still pending at the run's end never,
 * and a timer that threw then was never reported. A turn costs a few µs. Not inside a batch:
 * a death there, with no input said to run, would make its inputs suspects.
 */
const TURN_MS = 10;

/** One turn of the event loop: twice over, it has passed its timers. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The one worker-side loop behind both runtimes. Each of `concurrency` lanes runs a batch's
 * inputs one after the other, so a batch's results are always a contiguous prefix of it.
 */
export function runWorkerLoop(transport: WorkerTransport): void {
  let config: WorkerConfig | undefined;
  let mod: UserModule | undefined;
  /** A thread's: where a lone lane writes which input it begins, for the pool to read after a death. */
  let startSlot: StartSlot | undefined;
  let loading: Promise<unknown> | undefined;
  const queue: BatchOrder[] = [];
  const reports = new ReportQueue(transport);
  /** Sends what reports wait first: no message overtakes a report made before it. */
  const post = (message: FromWorker): void => {
    reports.flush();
    transport.post(message);
  };
  let activeLanes = 0;
  let ending = false;
  let stopping = false;
  let stuck = false;
  // the tasks running whose signal was read: aborted when the worker ends
  const running = new Set<TaskRun>();
  /**
   * Why the run stopped its running tasks (Ctrl-C), once it has: a task that reads its signal
   * after that finds it aborted. What fails then is reported as any failure: the pool, which
   * sent the stop, counts it as never ran (Pool.onRun), however late it reached this worker.
   */
  let stopReason: Error | undefined;
  const stopped = (): Error | undefined => stopReason;
  let ended = false;
  /**
   * Whether the last task was not quick (or none has run yet). Before such a task, with one
   * lane, the worker says which input starts, so that a death is charged to that input alone;
   * quick tasks stay batched, as telling would cost more than they do.
   */
  let slow = true;
  let lastTurn = performance.now();
  /**
   * The input whose code runs, carried by its continuations and timers: a worker that dies in
   * code of its own (an uncaught throw, process.exit) while an input awaits knows whether that
   * input did it, or an input that had returned (a timer it left). Without it, a quick input
   * that ended its worker in its own continuation was a suspect and started twice, and one said
   * to start (after a slow input) was blamed for the timer of the input before it: a review.
   * Only a lone lane's async inputs carry it, once SLOW_AWAITS_TO_OWN of them in a row have
   * taken 1 ms or more, and until QUICK_RUN in a row are quick: the async hooks it needs cost a
   * function that is async but quick 16-28% (300,000 inputs, --procs 2 and --threads 2),
   * whose first inputs are slow only as the worker warms up; a function that is not async
   * pays nothing. Counted in each worker: a new one starts without.
   */
  const owner = new AsyncLocalStorage<object>();
  let owned = false;
  /** Whether an input's call returned a promise since the clock was last read, in a lane that could carry its owner. */
  let awaited = false;
  let slowAwaits = 0;
  listenForDeath();

  const pump = (): void => {
    while (config && mod && !stuck && activeLanes < config.concurrency && queue.length > 0) {
      const batch = queue.shift()!;
      activeLanes++;
      void runBatch(batch, config, mod).then(async () => {
        // between batches, whose report is out: a timer that kills the worker in the turn costs
        // no input a start, and is blamed on none. Batches take ~20 ms (auto-batch.ts), unless
        // --chunksize makes them longer
        if (performance.now() - lastTurn >= TURN_MS) {
          await turn();
          lastTurn = performance.now();
        }
        activeLanes--;
        pump();
      });
    }
    if (ending && activeLanes === 0 && queue.length === 0) void finish();
  };

  const runBatch = async (batch: BatchOrder, cfg: WorkerConfig, user: UserModule): Promise<void> => {
    const reader = new PayloadReader(batch.payload, batch.separator);
    const buffer = new RunBuffer(cfg.format, cfg.timings);
    const started = performance.now();
    let lastFlush = started;
    let lastClock = started;
    let clockStride = 1;
    let sinceClock = 0;
    let quickInARow = 0;

    // only a lane alone on its worker can name the input a death is due to
    const tells = batch.eager || cfg.concurrency === 1;
    /** A lone lane's inputs say at death whether it was their doing (owner). */
    const ownable = tells && !batch.eager;
    const marks = tells ? startSlot : undefined;
    /** With `startsNext` (true or false), what it says of the next input must be out before it starts. */
    const flush = (last: boolean, startsNext?: boolean, runningMs?: number, lastWords?: RunReport['lastWords']): Promise<void> | void => {
      const report: RunReport = { id: batch.id, last, elapsedMs: performance.now() - started, ...buffer.take() };
      const repair = buffer.repairOfLast();
      if (startsNext !== undefined) {
        if (startsNext) report.running = true;
        if (runningMs !== undefined) report.runningMs = runningMs;
        if (lastWords) report.lastWords = lastWords;
        return reports.out(report, repair);
      }
      // with several lanes a death cannot be charged to one input anyway: reports may wait
      // for the others of this turn. A lone lane's go at once, as the next input may kill
      // the worker before the turn ends, and finished inputs would run again
      if (tells) reports.now(report, repair);
      else reports.later(report, repair);
    };
    // the pool holds the input said to start to blame until told otherwise: once inputs are
    // quick again, it is told so once, before the first of them starts
    let told = false;
    /** A quick input's last words, should it kill the worker: it was running (last-words.ts). */
    const dying = (): void => void flush(false, true, performance.now() - lastClock);
    /** The last words of a worker that dies while it says whether the next input starts: none runs. */
    const betweenWords = (): void => void flush(false, false, undefined, 'between');
    /** The input awaiting, with `awaitingWords` ready, and whether it carries its owner. */
    let awaitingTask: object | undefined;
    let awaitingOwned = false;
    /**
     * The last words of a worker that dies while an input awaits: whose code ends it says who
     * is to blame. Its own (a continuation of it): it, started once, as if it had been said to
     * run. Another input's (a timer it left), or nobody's while it carries its owner (a timer
     * of setup()): the one awaiting is a suspect, said to start or not (was: one said to start
     * was blamed for setup()'s timer: a review). Not known (it carries no owner): a quick
     * input is a suspect, and one said to start stays blamed, as it was said to run.
     */
    const awaitingWords = (): void => {
      const whose = owner.getStore();
      if (whose !== undefined && whose === awaitingTask) return dying();
      if (whose === undefined && told && !awaitingOwned) return;
      void flush(false, false, undefined, 'awaiting');
    };
    /** A quick input not said to run awaits, since the held interval's tick `awaitingFrom`. */
    let awaiting = false;
    let ticks = 0;
    let awaitingFrom = 0;
    /**
     * The user's task, with those last words ready while its synchronous part runs: a death then
     * is its own doing. Not while it awaits: a timer of another input may end the worker then
     * (was: that input's death charged to the quick one running, which failed); the worker then
     * says that it was awaiting (was, --procs: the batch's last input blamed all the same).
     */
    const speaking: UserModule = {
      ...user,
      task: (input, ctx) => {
        const speaks = tells && !told;
        if (speaks) sayAtDeath(dying);
        let result: unknown;
        const carries = owned && ownable;
        try {
          result = carries ? owner.run(ctx, user.task, input, ctx) : user.task(input, ctx);
        } finally {
          if (speaks) sayAtDeath(undefined);
        }
        if (!isThenable(result)) return result;
        // its own part is over: a death from now on may be another input's doing
        marks?.awaiting();
        // a batch run alone to find a culprit blames what it runs, as each of its inputs is told
        if (!ownable) return result;
        awaited = true;
        // taken back by the loop once it settles (settledNow), not by a promise of its own: one
        // an input cost a run of async trivial inputs 20% more CPU
        sayAtDeath(awaitingWords);
        awaitingTask = ctx;
        awaitingOwned = carries;
        if (!speaks) return result;
        awaiting = true;
        awaitingFrom = ticks;
        return result;
      },
    };
    /** The input the loop ran has settled (or was given up on at its --timeout): no words of awaiting it. */
    const settledNow = (): void => {
      marks?.settled();
      if (awaitingTask === undefined) return;
      awaitingTask = undefined;
      awaiting = false;
      sayNoMore(awaitingWords);
    };

    /**
     * Says whether the next input starts, and waits until that is out of the worker. The wait
     * is not the inputs' time: counted in, a wait of 1 ms or more (a busy machine, a full pipe)
     * made the next input look slow, so that it was told of too, and so on, input after input.
     */
    const tell = async (startsNext: boolean): Promise<void> => {
      const before = performance.now();
      // the wait lets the event loop turn: a timer of an input before may end the worker then,
      // before the next input begins, which is then not to blame (was, --procs: the batch's one
      // input failed of that death, never started: a review)
      sayAtDeath(betweenWords);
      try {
        await flush(false, startsNext);
      } finally {
        sayAtDeath(undefined);
      }
      lastClock += performance.now() - before;
    };

    // what is settled does not wait behind an input that takes long: it goes out every
    // FLUSH_INTERVAL_MS meanwhile (was: held to the batch's end, so the quick results before
    // a slow input came seconds late, and a signal then counted them as never ran). A lane
    // that tells says that an input is running, as one is, and so says again before the next.
    // A quick input that has awaited a whole interval or more is said to run too, once, as a
    // slow one is: its death from then on is its own (blamed, started once), not a suspect's (a
    // fetch that fails its worker 300 ms in, after a quick input). One that began awaiting
    // since the last tick is not: a timer of another input may end the worker now (was, under
    // load: said to run at the first tick, however briefly it had awaited, and blamed)
    const held = setInterval(() => {
      ticks++;
      const due = awaiting && !told && ticks - awaitingFrom >= 2;
      if ((buffer.count === 0 && !due) || performance.now() - lastFlush < FLUSH_INTERVAL_MS) return;
      lastFlush = performance.now();
      // how long it has run, about, as its last words would say it (dying)
      const runningMs = due ? lastFlush - lastClock : undefined;
      const saysRunning = tells && (!awaiting || due);
      // its words stay: they say nothing of it now that it is said to run, unless another
      // input's code ends the worker (owner)
      if (saysRunning) told = true;
      void flush(false, tells ? saysRunning : undefined, runningMs);
    }, FLUSH_INTERVAL_MS);
    try {
      for (let offset = 0; offset < batch.count; offset++) {
        // a dying worker (last words said) starts nothing more: its death is being told
        if (stopping || saidLastWords()) break;
        if (tells && (slow || batch.eager)) {
          await tell(true);
          told = true;
        } else if (told || (tells && offset === 0)) {
          // a batch's start is said even before a quick input: a death before it (a throw in a
          // timer of the batch before, as this worker waited) is then known to have cost the
          // batch nothing. Was: its inputs ran again as suspects, with their attempts counted,
          // or the one input of a short batch was blamed without having started
          await tell(false);
          told = false;
        }
        // a stop that came while it was said starts nothing
        if (stopping || saidLastWords()) break;
        const input = reader.next();
        const index = batch.first + offset;
        const taskStart = cfg.timings ? performance.now() : 0;
        const ctx = new TaskRun(index, batch.attempt, running, stopped);
        if (ended) ctx.abort(new Error('the worker is ending'));
        marks?.began(batch.id, offset);
        if (cfg.timeoutMs === undefined) {
          let failure: Failure | undefined;
          try {
            let result = speaking.task(input, ctx);
            if (isThenable(result)) result = await result;
            buffer.succeed(offset, index, input, result);
          } catch (error) {
            failure = taskFailed(error);
          }
          ctx.done();
          if (failure) buffer.fail(offset, input, named(failure, cfg));
        } else {
          const settled = await runWithTimeout(speaking, input, ctx, cfg.timeoutMs, cfg.graceMs);
          if (settled.ok) buffer.succeed(offset, index, input, settled.value);
          else buffer.fail(offset, input, named(settled.failure, cfg));
          if (!settled.ok && settled.stuck) stuck = true;
        }
        settledNow();
        if (cfg.timings) buffer.duration(performance.now() - taskStart);
        if (stuck) {
          // report what is settled, then ask to be replaced: the task still running cannot be stopped from here
          void flush(false);
          post({ brand: BRAND, type: 'stuck' });
          return;
        }
        // reading the clock costs more than a trivial task: read it less often while inputs are quick
        if (++sinceClock >= clockStride) {
          const now = performance.now();
          // by the inputs' mean: a pause of the whole process (GC, a busy machine) during a stride
          // of quick ones does not make them slow
          slow = now - lastClock >= QUICK_MS * sinceClock;
          slowAwaits = slow && awaited ? slowAwaits + 1 : 0;
          if (slowAwaits >= SLOW_AWAITS_TO_OWN) owned = true;
          awaited = false;
          quickInARow = now - lastClock < QUICK_MS ? quickInARow + sinceClock : 0;
          // quick again for a while (slow at first, then quick: warmed up, cached): the hooks go
          // (was: on for the rest of the run, 23-40% more CPU for a function async but quick)
          // and their hooks are removed: once installed they cost every promise, run() or not
          if (quickInARow >= QUICK_RUN && owned) {
            owned = false;
            owner.disable();
          }
          clockStride = quickInARow >= QUICK_RUN ? Math.min(clockStride * 2, MAX_CLOCK_STRIDE) : 1;
          sinceClock = 0;
          lastClock = now;
          if ((now - lastFlush >= FLUSH_INTERVAL_MS || buffer.size >= FLUSH_BYTES) && offset < batch.count - 1 && !(tells && slow)) {
            void flush(false);
            lastFlush = now;
          }
        }
      }
    } finally {
      clearInterval(held);
    }
    void flush(true);
  };

  const finish = async (): Promise<void> => {
    ending = false;
    // a worker told to end while still loading finishes its setup first, then tears down
    await loading?.catch(() => {});
    // timers the last inputs set, due by now or at once (setTimeout(f, 0)), run before the
    // worker goes, as in a process of its own; one that throws is then reported
    await new Promise((resolve) => setTimeout(resolve, 1));
    reports.flush();
    ended = true;
    const reason = new Error('the worker is ending');
    for (const task of [...running]) task.abort(reason);
    let code = 0;
    try {
      await mod?.teardown?.();
    } catch (error) {
      // said by the pool, as its other notices are: the library prints nothing of its own
      await transport.postOut({ brand: BRAND, type: 'teardown-failed', error: toErrorData(error) });
      code = TEARDOWN_FAILED_EXIT;
    }
    transport.exit(code);
  };

  transport.onMessage((message) => {
    switch (message.type) {
      case 'init':
        config = message.config;
        if (message.startSlot) startSlot = new StartSlot(message.startSlot);
        transport.configure(config);
        post({ brand: BRAND, type: 'loading' });
        loading = load(message.config, () => post({ brand: BRAND, type: 'setup' }));
        loading.then(
          (loaded) => {
            mod = loaded as UserModule;
            post({ brand: BRAND, type: 'ready' });
            pump();
          },
          (error: unknown) => {
            const threw = error instanceof SetupThrew ? error : undefined;
            post({ brand: BRAND, type: 'setup-failed', error: toErrorData(threw ? threw.thrown : error), setup: threw && { where: threw.where } });
          },
        );
        return;
      case 'batches':
        // a message heard: the event loop has turned
        lastTurn = performance.now();
        if (stopping) {
          for (const batch of message.batches) reports.later(emptyLastRun(batch.id));
          return;
        }
        queue.push(...message.batches);
        pump();
        return;
      case 'stop':
        stopping = true;
        // a task that reads its signal is asked to stop (a fetch given ctx.signal ends now)
        if (message.abort && !stopReason) {
          stopReason = new Error('the run is stopping');
          for (const task of [...running]) task.abort(stopReason);
        }
        // batches not started are over at once; running lanes end after their current input
        for (const batch of queue.splice(0)) reports.later(emptyLastRun(batch.id));
        pump();
        return;
      case 'withdraw': {
        // one a lane has begun runs on here, and is reported as any other
        const at = queue.findIndex((batch) => batch.id === message.id);
        if (at < 0) return;
        queue.splice(at, 1);
        post({ brand: BRAND, type: 'withdrawn', id: message.id });
        return;
      }
      case 'stop-began':
        stopBegan();
        return;
      case 'stop-ended':
        stopEnded(message.ms);
        return;
      case 'end':
        ending = true;
        pump();
        return;
      default:
        throw new Error(`prun worker: unknown message ${JSON.stringify(message)}`);
    }
  });
}

/** A failure whose message names the script as its user knows it, not its compiled copy (a task's own `await import()`). */
function named(failure: Failure, cfg: WorkerConfig): Failure {
  const message = withScriptName(failure.message, cfg.modulePath, cfg.scriptName);
  return message === failure.message ? failure : { ...failure, message };
}

function emptyLastRun(id: number): RunReport {
  return {
    id,
    last: true,
    elapsedMs: 0,
    count: 0,
    text: '',
    values: undefined,
    failures: [],
    durationsMs: undefined,
  };
}

/** Imports the script and runs its setup(), saying when setup() begins. */
async function load(config: WorkerConfig, settingUp: () => void): Promise<UserModule> {
  let exports: Record<string, unknown>;
  const url = pathToFileURL(config.modulePath).href;
  try {
    exports = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw scriptLoadError(error, config.modulePath, config.scriptName);
  }
  // its source map parsed now (~1 ms), not as its first failure is reported: that report came
  // 1.5-6 ms late, and under --halt the other workers started inputs meanwhile (a review)
  findSourceMap(url);
  const task = exports.default;
  if (typeof task !== 'function') {
    // nothing was thrown, so no stack names the file: the run says which script it is
    throw scriptLoadError(`its default export is ${describeValue(task)}, not a function`, config.modulePath, config.scriptName);
  }
  const setup = lifecycleExport(exports, 'setup', config);
  const teardown = lifecycleExport(exports, 'teardown', config);
  if (setup) {
    settingUp();
    try {
      await setup();
    } catch (error) {
      throw setupThrew(error, config.modulePath);
    }
  }
  return { task: task as UserModule['task'], teardown: teardown as UserModule['teardown'] };
}

/**
 * The script's `setup` or `teardown`, when it exports one: a function, or no run at all. Was:
 * anything else (`export const setup = 5`, a misspelt object) was skipped in silence.
 */
function lifecycleExport(exports: Record<string, unknown>, name: 'setup' | 'teardown', config: WorkerConfig): (() => unknown) | undefined {
  const value = exports[name];
  if (value === undefined || typeof value === 'function') return value as (() => unknown) | undefined;
  throw scriptLoadError(`its ${name} export is ${describeValue(value)}, not a function`, config.modulePath, config.scriptName);
}

/** What a value is, for a message: `a number`, `an object`, `null`. */
function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  const type = typeof value;
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
