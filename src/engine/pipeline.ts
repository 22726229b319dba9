import type { InputSource } from '../io/input-source.js';
import { type Placement, SHARED } from '../model/batch.js';
import type { Delivery } from '../model/delivery.js';
import type { InputNaming } from '../model/payload.js';
import type { ProgressTracker } from '../progress/tracker.js';
import { AutoBatchSize } from './auto-batch.js';
import { type Clock, REAL_CLOCK } from './clock.js';
import { Deliveries } from './deliveries.js';
import type { Executor } from '../model/executor.js';
import type { HaltPolicy } from './halt.js';
import { InFlight } from './in-flight.js';
import { Intake } from './intake.js';
import { ReadAhead } from './read-ahead.js';
import { RetryOrFail } from './retry-or-fail.js';
import { Admission } from './scheduler/admission.js';
import type { KeyLimits } from './scheduler/key-limits.js';
import { KeyedLine } from './scheduler/keyed-line.js';
import type { ResourceGate } from './scheduler/resource-gate.js';
import { type RetryDelay, RetryPolicy } from './scheduler/retry-policy.js';
import { type Line, WaitingLine } from './scheduler/waiting-line.js';
import { Settlement } from './settlement.js';
import { Stopping } from './stopping.js';
import { Throttles, type Throttling } from './throttles.js';
import { Wakeup } from './wakeup.js';

export interface PipelineOptions {
  source: InputSource;
  executor: Executor;
  /** Workers sharing the work, for sizing batches near the end. */
  workers: number;
  ordered: boolean;
  /** A fixed batch size, or undefined for automatic sizing. */
  chunksize: number | undefined;
  /** How many more times a failed input is tried. */
  retries: number;
  halt: HaltPolicy | undefined;
  /**
   * Inputs to leave out, as a journal of an earlier run says (--resume): asked once per input,
   * in the order they are taken, with its text and index.
   */
  skip: ((input: string, index: number) => boolean) | undefined;
  /**
   * Called once the inputs `skip` leaves out at the start of the input are known, as settled:
   * an input to run has been taken, or the input has ended (or the run stopped). Until then,
   * inputs are taken before the executor has room for them, so that this comes before any
   * worker is ready: a pool starts no worker for inputs an earlier run finished.
   */
  onLeadingSkipped?: (() => void) | undefined;
  /** Deliver a record of every settled input, after its output (--joblog). */
  journal: boolean;
  /** How inputs are named to `skip`, in records and in failures: as text (a script's), or byte for byte (commands'). Default: text. */
  naming?: InputNaming | undefined;
  tracker: ProgressTracker;
  /** Limits per key on when inputs start (--key, --key-rate, --rate). */
  limits?: KeyedRun | undefined;
  /** What a throttle signal is (a 429 or 503, and its Retry-After), and how long to bear one. */
  throttling?: Throttling | undefined;
  /** How long a retry waits (--retry-delay); at once when undefined. */
  retryDelay?: RetryDelay | undefined;
  /** What the machine must have for an input to start (--memfree, --load). */
  gate?: ResourceGate | undefined;
  /** For tests: time, and timers. */
  clock?: Clock;
  /** For tests: the jitter of retry delays. */
  random?: () => number;
}

/** A run whose inputs start under limits per key. */
export interface KeyedRun {
  keyOf(input: string): string;
  limits: KeyLimits;
}

/** Defined beside what acts on it (throttles.ts); named here for those who build PipelineOptions. */
export type { Throttling };

export interface RunningPipeline {
  deliveries: AsyncIterable<Delivery>;
  /**
   * soon: start no more inputs and let running ones finish (`abortRunning`: asking them to
   * stop, their signal aborted); now: end running ones too. Either way the deliveries end
   * normally, with what did not run as `skipped`.
   */
  stop(mode: 'soon' | 'now', abortRunning?: boolean): void;
  /**
   * Why running could not go on (setup() failed, workers keep dying at start, the input failed), once the
   * deliveries have ended; they end normally even then, with what never ran as `skipped`.
   */
  fatalError(): Error | undefined;
  /** Whether inputs are running now (batches with the executor), as opposed to waiting for input or for a limit. */
  busy(): boolean;
  /**
   * Settles once the executor has closed or been killed: its workers ended, and what the run
   * holds elsewhere (a queue's keys) cleaned up; also when the consumer has gone away.
   */
  finished: Promise<void>;
}

/**
 * inputs -> admission -> line -> executor -> settlement -> deliveries, in order (or as they
 * finish). Reads input only while the read-ahead window has room, so memory stays flat on
 * endless input and a slow consumer slows the reading.
 */
export function runPipeline(options: PipelineOptions): RunningPipeline {
  const { source, executor, tracker } = options;
  const clock = options.clock ?? REAL_CLOCK;
  const keyed = options.limits;
  // A halt is a halt: from the moment prun sees its condition met, no input starts. Inputs given
  // ahead (in a batch, or queued behind a worker's running batch) would start before the stop
  // reaches them, so under --halt each worker or lane holds one input at a time, and gets the
  // next once prun has seen the previous one end, as GNU parallel gives out its jobs. Under
  // --key likewise: an input sent ahead would start later than its limits allowed it to. And
  // under --memfree and --load, each input is given out when the machine has room for it.
  const halting = options.halt !== undefined;
  const { gate } = options;
  const oneAtATime = halting || gate !== undefined;
  const sizes = new AutoBatchSize(options.workers, oneAtATime ? 1 : options.chunksize);
  const ahead = (): boolean => !oneAtATime && !keyed && sizes.short;
  const wakeup = new Wakeup();
  const changed = (): void => wakeup.notify();

  const stopping = new Stopping(source, executor, options.halt, tracker, changed);
  const deliveries = new Deliveries(options.ordered, tracker, changed, () => stopping.abandon());
  if (gate) tracker.machineShortage = () => gate.shortage;
  const keyedLine = keyed && new KeyedLine(keyed.limits, (key, batches) => settlement.gaveUp(key, batches));
  if (keyedLine) tracker.throttleWaiting = () => keyedLine.throttledCount(clock.now());
  // batches waiting for room, placed ahead of new input: retries, the rest of a batch cut to
  // fit, new input that found its room gone when it arrived
  const line: Line = keyedLine || new WaitingLine({ givenUp: (now) => throttles.runGivenUp(now), inputGivenUp: (batch, now) => throttles.inputGivenUp(batch, now), gaveUp: (batches) => settlement.gaveUp('', batches) });
  const naming = options.naming ?? 'text';
  const admission = new Admission({ skip: options.skip, keyOf: keyed?.keyOf, naming }, (first, count) => deliveries.resumed(first, count));
  const intake = new Intake(source, admission, sizes, line, deliveries, stopping, tracker, changed);
  const readAhead = new ReadAhead(keyed !== undefined, executor, sizes);
  const throttles = new Throttles(options.throttling, keyedLine, clock, options.random);
  // a throttled run without keys, paced at its halved rate, starts its inputs one at a time
  const roomFor = (placement: Placement): number => {
    const room = executor.room(placement, ahead());
    return throttles.paced ? Math.min(room, 1) : room;
  };
  // without keys the run is one key, with no name to show: its signals are counted all the same
  if (!keyedLine && options.throttling) {
    tracker.throttleSignals = () => ({ total: throttles.runSignals, top: [] });
    // while the run backs off, all that waits in its line waits on the throttle
    tracker.throttleWaiting = () => (throttles.runThrottled(clock.now()) ? line.count : 0);
  }
  const retryPolicy = new RetryPolicy(options.retries, options.retryDelay, options.random);
  const retryOrFail = new RetryOrFail(retryPolicy, throttles, line, stopping, tracker, clock);
  const settlement = new Settlement({ deliveries, retryOrFail, line, throttles, stopping, tracker, journal: options.journal, naming });
  // what the executor does may give the machine room again: the gate looks at it anew
  const workChanged = gate
    ? (): void => {
        gate.recheck();
        changed();
      }
    : changed;
  const inFlight = new InFlight(settlement, deliveries, sizes, workChanged, (error, when) => stopping.fatal(error, when));
  /** No input starts before this: a throttled run without keys waits, and so does a machine short of room. */
  const pausedUntil = (now: number): number => Math.max(throttles.pausedUntil(now), gate?.pausedUntil(now) ?? Number.NEGATIVE_INFINITY);

  /**
   * Sleeps until something changes, or until what waits in the line may be due: at the end of
   * the pause the loop saw (`pausedTill`), which is not asked again here. Asked again a moment
   * later, a pause could have ended in between, and the sleep then had no timer, with inputs
   * ready and none running to wake it: the run hung for ever (was: 6 runs in 60 of
   * `prun map square.ts --load 1000` with six inputs, whose timers Node fires up to a
   * millisecond early). With no room for what is due, only a change (a worker free) can help:
   * no timer, or it would spin.
   */
  const sleep = async (noRoom: boolean, pausedTill: number | undefined): Promise<void> => {
    const due = noRoom ? undefined : (pausedTill ?? line.nextDue);
    const cancel = due === undefined ? undefined : clock.after(due - clock.now(), changed);
    await wakeup.wait();
    cancel?.();
  };

  /**
   * The run stops: what waits in the line (but a retry, which ends with its last failure), what
   * was never read and (stopping now) what the executor held never ran.
   */
  const settleNeverRun = (): void => {
    // counted before the line empties: the summary says how many of those that never ran
    // waited on a throttled key (was: said by the bar only, gone with the stop; a review)
    tracker.throttledAtStop ??= tracker.throttleWaiting?.();
    for (const batch of line.drain()) settlement.stoppedWaiting(batch);
    intake.stopped(stopping.unread);
    if (stopping.mode === 'now') inFlight.abandonAll();
  };

  // --resume: what an earlier run finished at the start of the input is left out before the executor has room
  let leadingSkipped = options.onLeadingSkipped;
  const noteLeadingSkipped = (): void => {
    if (!leadingSkipped || (line.count === 0 && inFlight.count === 0 && !intake.done && !stopping.mode)) return;
    leadingSkipped();
    leadingSkipped = undefined;
  };

  const feed = async (): Promise<void> => {
    executor.start(inFlight);
    for (;;) {
      noteLeadingSkipped();
      // the input ends there: what was read runs, and the error is told after its outcomes
      // (was: running inputs killed, unreported, and what waited dropped)
      if (intake.failed) stopping.failAtEnd(intake.failed.error);
      if (stopping.mode) {
        if (intake.taking) {
          await intake.taking;
          continue;
        }
        settleNeverRun();
        if (inFlight.count === 0 || stopping.mode === 'now') break;
        await wakeup.wait();
        continue;
      }
      // room is asked for and used in one step: a worker may die or retire while a take
      // waits for input, so room seen before it is no promise of room after it
      const now = clock.now();
      // a throttled run without keys starts nothing until its wait is over, nor a machine short of room
      const paused = pausedUntil(now);
      const picked = now < paused ? undefined : line.next(now, roomFor);
      if (picked !== undefined && picked !== 'no-room') {
        inFlight.submitted(picked);
        throttles.started(picked);
        gate?.started(now);
        try {
          if (executor.submit(picked, ahead()) === true) keyedLine?.placedCold(picked);
        } catch (error) {
          // an input the executor cannot send (a value structured clone cannot carry): a usage
          // error, told after the outcomes of what runs; nothing of this batch ran
          inFlight.refused(picked);
          stopping.failAtEnd(error);
          stopping.stop('soon');
        }
        continue;
      }
      const executorRoom = picked === 'no-room' ? 0 : roomFor(SHARED);
      // nothing to run yet, all left out so far: read on regardless, as far as the window goes
      // (see onLeadingSkipped). Under --key too, workers full or not (was: read only as room
      // came, a list sorted by host ran one host after the other, its next one's probe alone)
      const unplaced = leadingSkipped !== undefined && executorRoom === 0 && picked === undefined && line.count === 0;
      const pastRoom = unplaced || (keyedLine !== undefined && readAhead.readsPastRoom(keyedLine.waitingSize));
      const room = Math.min(pastRoom ? Number.POSITIVE_INFINITY : executorRoom, readAhead.room(intake.admitted - deliveries.released, deliveries.held, intake.admitted - deliveries.settled));
      if (room === 0) intake.endIfDrained();
      if (intake.taking || room === 0 || intake.done) {
        if (intake.done && line.count === 0 && inFlight.count === 0) break;
        await sleep(picked === 'no-room', now < paused ? paused : undefined);
        continue;
      }
      intake.take(room);
    }
    noteLeadingSkipped();
    // a stop 'now' killed the executor as it came: what is left is to wait for that
    if (stopping.mode === 'now') await stopping.killed;
    else await executor.close();
    // nobody reads the deliveries any more once the consumer has gone
    if (!stopping.abandoned) deliveries.end();
  };

  const finished = feed().catch(async (error: unknown) => {
    stopping.stop('now');
    noteLeadingSkipped();
    deliveries.end(error);
    await stopping.killed;
  });
  return { deliveries: deliveries.outbox, stop: (mode, abortRunning) => stopping.stop(mode, abortRunning), fatalError: () => stopping.fatalError, busy: () => inFlight.count > 0, finished };
}
