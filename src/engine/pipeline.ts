import type { InputSource, Slice } from '../io/input-source.js';
import { type Batch, cutBatch, newBatchId, type Placement, SHARED } from '../model/batch.js';
import type { Delivery } from '../model/delivery.js';
import type { ProgressTracker } from '../progress/tracker.js';
import { AutoBatchSize } from './auto-batch.js';
import { type Clock, REAL_CLOCK } from './clock.js';
import { Deliveries } from './deliveries.js';
import type { Blame, Executor, ExecutorListener, ExecutorRun } from './executor.js';
import type { HaltPolicy } from './halt.js';
import { RetryOrFail } from './retry-or-fail.js';
import { Admission } from './scheduler/admission.js';
import type { KeyLimits } from './scheduler/key-limits.js';
import { KeyedLine } from './scheduler/keyed-line.js';
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
  /** Deliver a record of every settled input, after its output (--joblog). */
  journal: boolean;
  tracker: ProgressTracker;
  /** Limits per key on when inputs start (--key, --key-rate, --rate). */
  limits?: KeyedRun | undefined;
  /** What a throttle signal is (a 429 or 503, and its Retry-After), and how long to bear one. */
  throttling?: Throttling | undefined;
  /** How long a retry waits (--retry-delay); at once when undefined. */
  retryDelay?: RetryDelay | undefined;
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

export type { Throttling };

export interface RunningPipeline {
  deliveries: AsyncIterable<Delivery>;
  /**
   * soon: start no more inputs and let running ones finish; now: end running ones too.
   * Either way the deliveries end normally, with what did not run as `skipped`.
   */
  stop(mode: 'soon' | 'now'): void;
  /**
   * Why running could not go on (setup() failed, workers keep dying at start), once the
   * deliveries have ended; they end normally even then, with what never ran as `skipped`.
   */
  fatalError(): Error | undefined;
}

/** A batch never carries much more than this many bytes of input. */
const MAX_BATCH_BYTES = 1 << 16;
/** Settled inputs the consumer has not taken yet, in batches per executor slot. */
const WINDOW_BATCHES = 4;
/**
 * Bytes of output settled but not taken by the consumer (in memory, or in files that are
 * memory too in /dev/shm) past which no more inputs start: a count of inputs alone lets a
 * few big outputs pile up behind a stalled reader. Only settled output counts, so a single
 * input bigger than this still runs.
 */
const WINDOW_BYTES = 64 * 1024 * 1024;
/**
 * Inputs read ahead under --key: room for other keys to go on while some keys wait on their
 * limits, so that one throttled host does not stall a crawl of many. Small inputs (URLs), so
 * memory stays a few MB.
 */
const KEYED_WINDOW = 4096;
/** The most inputs a take asks for while the journal leaves out what is taken (--resume). */
const MAX_LEFT_OUT_TAKE = 4096;

/**
 * inputs -> batches -> executor -> deliveries, in order (or as they finish). Reads input only
 * while the window of inputs taken but not yet handed to the consumer has room, so memory
 * stays flat on endless input and a slow consumer slows the reading.
 */
export function runPipeline(options: PipelineOptions): RunningPipeline {
  const { source, executor, tracker } = options;
  const clock = options.clock ?? REAL_CLOCK;
  const keyed = options.limits;
  // A halt is a halt: from the moment prun sees its condition met, no input starts. Inputs given
  // ahead (in a batch, or queued behind a worker's running batch) would start before the stop
  // reaches them, so under --halt each worker or lane holds one input at a time, and gets the
  // next once prun has seen the previous one end, as GNU parallel gives out its jobs. Under
  // --key likewise: an input sent ahead would start later than its limits allowed it to.
  const halting = options.halt !== undefined;
  const sizes = new AutoBatchSize(options.workers, halting ? 1 : options.chunksize);
  const ahead = (): boolean => !halting && !keyed && sizes.short;
  const roomFor = (placement: Placement): number => executor.room(placement, ahead());
  const wakeup = new Wakeup();
  const keyedLine = keyed && new KeyedLine(keyed.limits, (key, batches) => settlement.gaveUp(key, batches));
  // batches waiting for room, placed ahead of new input: retries, the rest of a batch cut to
  // fit, new input that found its room gone when it arrived
  const line: Line = keyedLine || new WaitingLine();
  const throttles = new Throttles(options.throttling, keyedLine || undefined, clock, options.random);
  const unfinished = new Set<Batch>(); // with the executor
  const reported = new Map<Batch, number>(); // inputs of an unfinished batch settled so far
  const reportedOf = (batch: Batch): number => reported.get(batch) ?? 0;
  let admitted = 0; // inputs taken from the source
  if (keyedLine) tracker.throttleWaiting = () => keyedLine.throttledCount(clock.now());
  const stopping = new Stopping(source, executor, options.halt, tracker, () => wakeup.notify());
  const deliveries = new Deliveries(options.ordered, tracker, () => wakeup.notify(), () => stopping.abandon());
  const admission = new Admission({ skip: options.skip, keyOf: keyed?.keyOf }, (first, count) => deliveries.resumed(first, count));
  const retryOrFail = new RetryOrFail(new RetryPolicy(options.retries, options.retryDelay, options.random), throttles, line, stopping, tracker, clock);
  const settlement = new Settlement({ deliveries, retryOrFail, line, throttles, stopping, tracker, journal: options.journal });
  const onRun = (batch: Batch, from: number, run: ExecutorRun): void => settlement.ran(batch, from, run);
  const onLost = (batch: Batch, from: number, blame: Blame): void => settlement.lost(batch, from, blame);

  const listener: ExecutorListener = {
    run(batch, from, run, last, elapsedMs) {
      if (!unfinished.has(batch)) {
        run.file?.close(); // given up for lost by stop('now')
        return;
      }
      onRun(batch, from, run);
      reported.set(batch, from + run.count);
      if (last) {
        unfinished.delete(batch);
        reported.delete(batch);
        // a batch cut short by stop(): the rest of it never ran
        deliveries.restNotRun(batch, from + run.count);
        if (!batch.isolated && run.count + from === batch.count) sizes.observe(batch.count, elapsedMs);
      }
      wakeup.notify();
    },
    lost(batch, from, blame) {
      if (!unfinished.delete(batch)) return;
      reported.delete(batch);
      onLost(batch, from, blame);
      wakeup.notify();
    },
    free: () => wakeup.notify(),
    fatal: (error) => stopping.fatal(error),
  };

  const submit = (batch: Batch): void => {
    unfinished.add(batch);
    executor.submit(batch, ahead());
  };

  let sourceDone = false;
  /** How many times the usual number of inputs the next take asks for: more while takes are left out whole. */
  let leftOutTakes = 1;
  /** A take from the source under way: the loop places waiting batches meanwhile. */
  let taking: Promise<void> | undefined;
  let takeFailed: { error: unknown } | undefined;

  const took = (slice: Slice | null): void => {
    if (stopping.mode) {
      // the stop closed the source: what the take still brought never ran
      if (slice) {
        deliveries.notRun(admitted, slice.count);
        admitted += slice.count;
      }
      return;
    }
    if (slice === null) {
      sourceDone = true;
      tracker.total = admitted;
      return;
    }
    const batch: Batch = { id: newBatchId(), first: admitted, attempt: 1, retried: 0, ...SHARED, ...slice };
    admitted += slice.count;
    const remaining = source.remaining();
    if (remaining !== undefined) tracker.total = admitted + remaining;
    const parts = admission.admit(batch);
    // a journal that shows a long stretch finished (--resume): take more at a time while takes
    // are left out whole, or resuming crawls one input a take; what is kept runs in batches
    // of the usual size all the same
    leftOutTakes = parts.length === 0 ? Math.min(leftOutTakes * 2, MAX_LEFT_OUT_TAKE) : 1;
    const size = sizes.next(source.remaining());
    for (const part of parts) {
      if (part.count <= size) line.add(part);
      else for (let from = 0; from < part.count; from += size) line.add(cutBatch(part, from, Math.min(part.count, from + size)));
    }
  };

  const startTake = (size: number): void => {
    taking = source.take(size, MAX_BATCH_BYTES).then(took, (error: unknown) => {
      // a source closed by the stop may end its take with an error of its own: nothing lost
      if (!stopping.mode) takeFailed = { error };
    });
    void taking.finally(() => {
      taking = undefined;
      wakeup.notify();
    });
  };

  /**
   * Sleeps until something changes, or until what waits in the line may be due. With no room
   * for what is due, only a change (a worker free) can help: no timer, or it would spin.
   */
  const sleep = async (noRoom: boolean): Promise<void> => {
    const pausedUntil = throttles.pausedUntil;
    const due = noRoom ? undefined : pausedUntil > clock.now() ? pausedUntil : line.nextDue;
    const cancel = due === undefined ? undefined : clock.after(due - clock.now(), () => wakeup.notify());
    await wakeup.wait();
    cancel?.();
  };

  const feed = async (): Promise<void> => {
    executor.start(listener);
    for (;;) {
      if (takeFailed) throw takeFailed.error;
      if (stopping.mode) {
        if (taking) {
          await taking;
          continue;
        }
        for (const batch of line.drain()) deliveries.notRun(batch.first, batch.count);
        if (!sourceDone) {
          // inputs read ahead but not taken never ran either, where their number is known
          sourceDone = true;
          deliveries.notRun(admitted, stopping.unread ?? 0);
        }
        if (stopping.mode === 'now') {
          // what the killed workers had reported is delivered; the rest of their batches is not
          for (const batch of unfinished) deliveries.restNotRun(batch, reportedOf(batch));
          unfinished.clear();
        }
        if (unfinished.size === 0 || stopping.mode === 'now') break;
        await wakeup.wait();
        continue;
      }
      // room is asked for and used in one step: a worker may die or retire while a take
      // waits for input, so room seen before it is no promise of room after it
      const now = clock.now();
      // a throttled run without keys starts nothing until its wait is over
      const paused = now < throttles.pausedUntil;
      const picked = paused ? undefined : line.next(now, roomFor);
      if (picked !== undefined && picked !== 'no-room') {
        submit(picked);
        continue;
      }
      const room = picked === 'no-room' ? 0 : roomFor(SHARED);
      const window = keyed ? KEYED_WINDOW : Math.max(64, WINDOW_BATCHES * executor.capacity * sizes.size);
      if (taking || room === 0 || sourceDone || admitted - deliveries.released >= window || deliveries.held >= WINDOW_BYTES) {
        if (sourceDone && line.count === 0 && unfinished.size === 0) break;
        await sleep(picked === 'no-room');
        continue;
      }
      startTake(Math.min(room, sizes.next(source.remaining()) * leftOutTakes, window - (admitted - deliveries.released)));
    }
    if (stopping.abandoned) return;
    if (stopping.mode === 'now') await executor.kill();
    else await executor.close();
    deliveries.end();
  };

  feed().catch((error: unknown) => {
    stopping.stop('now');
    deliveries.end(error);
  });
  return { deliveries: deliveries.outbox, stop: (mode) => stopping.stop(mode), fatalError: () => stopping.fatalError };
}
