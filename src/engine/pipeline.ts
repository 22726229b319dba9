import type { InputSource, Slice } from '../io/input-source.js';
import type { ProgressTracker } from '../progress/tracker.js';
import { type Failure, messageWithCauses, statusColumn } from '../model/failure.js';
import { slicePayload } from '../runtime/payload.js';
import type { Run } from '../runtime/protocol.js';
import { AutoBatchSize } from './auto-batch.js';
import { type Batch, inputsOf, originAt, SHARED } from './batch.js';
import { type Delivery, discard, type FinalFailure, heldBytes, type JobRecord } from './delivery.js';
import type { Blame, Executor, ExecutorListener } from './executor.js';
import { type HaltPolicy, shouldHalt } from './halt.js';
import { Outbox } from './outbox.js';
import { Reorder } from './reorder.js';
import { addRecords, journalRecords, splitRun } from './split-run.js';
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
   * Inputs to leave out, as a journal of an earlier run says (--resume): asked once per input
   * taken from the source, in the order taken, with its text as the joblog holds it.
   */
  skip: ((input: string, index: number) => boolean) | undefined;
  /** Deliver a record of every settled input, after its output (--joblog). */
  journal: boolean;
  tracker: ProgressTracker;
}

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

/** The pipeline options that the user's options decide, for any executor. */
export function pipelineOptions(
  normalized: Pick<PipelineOptions, 'workers' | 'ordered' | 'chunksize' | 'retries' | 'halt'>,
  parts: Pick<PipelineOptions, 'source' | 'executor' | 'skip' | 'journal' | 'tracker'>,
): PipelineOptions {
  const { workers, ordered, chunksize, retries, halt } = normalized;
  return { workers, ordered, chunksize, retries, halt, ...parts };
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
 * inputs -> batches -> executor -> deliveries, in order (or as they finish). Reads input only
 * while the window of inputs taken but not yet handed to the consumer has room, so memory
 * stays flat on endless input and a slow consumer slows the reading.
 */
export function runPipeline(options: PipelineOptions): RunningPipeline {
  const { source, executor, tracker } = options;
  // A halt is a halt: from the moment prun sees its condition met, no input starts. Inputs given
  // ahead (in a batch, or queued behind a worker's running batch) would start before the stop
  // reaches them, so under --halt each worker or lane holds one input at a time, and gets the
  // next once prun has seen the previous one end, as GNU parallel gives out its jobs
  const halting = options.halt !== undefined;
  const sizes = new AutoBatchSize(options.workers, halting ? 1 : options.chunksize);
  const ahead = (): boolean => !halting && sizes.short;
  const wakeup = new Wakeup();
  // batches waiting for room, placed in this order ahead of new input: retries, the rest of a
  // batch cut to fit, and new input that found its room gone when it arrived
  const waiting: Batch[] = [];
  const unfinished = new Set<Batch>(); // with the executor
  const reported = new Map<Batch, number>(); // inputs of an unfinished batch settled so far
  const reportedOf = (batch: Batch): number => reported.get(batch) ?? 0;
  let nextId = 0;
  let admitted = 0; // inputs taken from the source
  let released = 0; // inputs the consumer has taken the results of
  let held = 0; // bytes of output settled, not yet taken by the consumer
  let stopping: 'soon' | 'now' | undefined;
  let abandoned = false; // the consumer went away
  let unread: number | undefined; // inputs never taken from the source, when known at the stop
  let fatalError: Error | undefined;

  const outbox = new Outbox<Delivery>(
    (delivery) => {
      released += delivery.count;
      held -= heldBytes(delivery);
      wakeup.notify();
    },
    () => abandon(),
    discard,
  );
  const emit = (delivery: Delivery): void => outbox.push(delivery);
  const reorder = options.ordered ? new Reorder(emit) : undefined;
  const settle = (start: number, end: number, deliveries: Delivery[]): void => {
    for (const delivery of deliveries) held += heldBytes(delivery);
    if (start === end) return;
    if (reorder) reorder.add(start, end, deliveries);
    else for (const delivery of deliveries) emit(delivery);
  };
  const skip = (first: number, count: number, resumed = false): void => {
    if (count === 0) return;
    if (resumed) tracker.resumed += count;
    else tracker.notRun += count;
    settle(first, first + count, [{ type: 'skipped', first, count }]);
  };

  const abandon = (): void => {
    abandoned = true;
    stop('now');
  };

  const stop = (mode: 'soon' | 'now'): void => {
    if (stopping === 'now' || stopping === mode) return;
    stopping = mode;
    unread ??= source.remaining() ?? 0;
    source.close();
    if (mode === 'soon') executor.stop();
    else void executor.kill();
    wakeup.notify();
  };

  /** `status`: the last settled input's, 0 if it succeeded (GNU parallel's exit status after a halt). */
  const checkHalt = (status: number): void => {
    if (options.halt && !stopping && shouldHalt(options.halt, tracker)) {
      tracker.halted = true;
      tracker.haltedBy = { failed: tracker.failed, status };
      stop(options.halt.when);
    }
  };

  const part = (batch: Batch, from: number, to: number, changes: Partial<Batch> = {}): Batch => ({
    id: nextId++,
    first: batch.first + from,
    count: to - from,
    payload: slicePayload(batch.payload, from, to, batch.separator),
    separator: batch.separator,
    attempt: batch.attempt,
    isolated: batch.isolated,
    fresh: batch.fresh,
    origin: originAt(batch.origin, from),
    ...changes,
  });

  /** Fails the input for good, or queues it again if it has tries left. */
  const failOrRetry = (batch: Batch, offset: number, input: string, error: Failure, killedWorker: boolean): FinalFailure | undefined => {
    if (batch.attempt <= options.retries && !stopping) {
      tracker.retried++;
      waiting.push(part(batch, offset, offset + 1, { attempt: batch.attempt + 1, isolated: killedWorker, fresh: killedWorker }));
      return undefined;
    }
    tracker.failed++;
    return { index: batch.first + offset, input, origin: originAt(batch.origin, offset), attempts: batch.attempt, error };
  };

  const onRun = (batch: Batch, from: number, run: Run): void => {
    tracker.succeeded += run.count - run.failures.length;
    const { ranges, finals } = splitRun(batch, from, run, (offset, input, error) => failOrRetry(batch, offset, input, error, false));
    if (options.journal) addRecords(ranges, journalRecords(batch, from, run, finals));
    for (const range of ranges) settle(range.start, range.end, range.deliveries);
    const last = batch.first + from + run.count - 1;
    const lastFailure = finals.find((final) => final.index === last);
    checkHalt(lastFailure ? statusColumn(lastFailure.error) : 0);
  };

  const onLost = (batch: Batch, from: number, blame: Blame): void => {
    if (stopping) {
      skip(batch.first + from, batch.count - from);
      return;
    }
    if (blame === 'none') {
      waiting.push(part(batch, from, batch.count));
      return;
    }
    if (blame === 'unknown') {
      // several inputs may have been running: run them again alone, to find the one to blame.
      // Some of them may have started: every start is counted, so this is their next attempt
      waiting.push(part(batch, from, batch.count, { isolated: true, attempt: batch.attempt + 1 }));
      return;
    }
    const input = inputsOf(batch, from, from + 1)[0] ?? '';
    const final = failOrRetry(batch, from, input, blame.culprit, true);
    if (final) {
      const deliveries: Delivery[] = [{ type: 'failure', first: final.index, count: 1, failure: final }];
      if (options.journal) {
        const record: JobRecord = {
          index: final.index,
          input,
          ok: false,
          status: statusColumn(final.error),
          attempts: final.attempts,
          durationMs: undefined,
          error: messageWithCauses(final.error),
        };
        deliveries.push({ type: 'records', first: final.index, count: 0, records: [record] });
      }
      settle(final.index, final.index + 1, deliveries);
      checkHalt(statusColumn(final.error));
    }
    if (from + 1 < batch.count) waiting.push(part(batch, from + 1, batch.count, { isolated: false, fresh: false }));
  };

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
        skip(batch.first + from + run.count, batch.count - from - run.count);
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
    fatal(error) {
      // running cannot go on, but what ran is delivered and what did not is counted as not run:
      // the deliveries end normally and the consumer asks fatalError() why
      fatalError ??= error;
      stop('now');
    },
  };

  const submit = (batch: Batch): void => {
    unfinished.add(batch);
    executor.submit(batch, ahead());
  };

  const admit = (batch: Batch): void => {
    if (!options.skip) {
      waiting.push(batch);
      return;
    }
    // leave out what an earlier run finished, keeping every index where it was
    const inputs = inputsOf(batch, 0, batch.count);
    const parts: Batch[] = [];
    let runStart = 0;
    for (let offset = 0; offset <= batch.count; offset++) {
      if (offset < batch.count && !options.skip(inputs[offset]!, batch.first + offset)) continue;
      if (offset > runStart) parts.push(offset - runStart === batch.count ? batch : part(batch, runStart, offset));
      if (offset < batch.count) skip(batch.first + offset, 1, true);
      runStart = offset + 1;
    }
    waiting.push(...parts);
  };

  let sourceDone = false;
  /** A take from the source under way: the loop places waiting batches meanwhile. */
  let taking: Promise<void> | undefined;
  let takeFailed: { error: unknown } | undefined;

  const took = (slice: Slice | null): void => {
    if (stopping) {
      // the stop closed the source: what the take still brought never ran
      if (slice) {
        skip(admitted, slice.count);
        admitted += slice.count;
      }
      return;
    }
    if (slice === null) {
      sourceDone = true;
      tracker.total = admitted;
      return;
    }
    const batch: Batch = { id: nextId++, first: admitted, attempt: 1, ...SHARED, ...slice };
    admitted += slice.count;
    const remaining = source.remaining();
    if (remaining !== undefined) tracker.total = admitted + remaining;
    admit(batch);
  };

  const startTake = (size: number): void => {
    taking = source.take(size, MAX_BATCH_BYTES).then(took, (error: unknown) => {
      // a source closed by the stop may end its take with an error of its own: nothing lost
      if (!stopping) takeFailed = { error };
    });
    void taking.finally(() => {
      taking = undefined;
      wakeup.notify();
    });
  };

  const feed = async (): Promise<void> => {
    executor.start(listener);
    for (;;) {
      if (takeFailed) throw takeFailed.error;
      if (stopping) {
        if (taking) {
          await taking;
          continue;
        }
        for (const batch of waiting.splice(0)) skip(batch.first, batch.count);
        if (!sourceDone) {
          // inputs read ahead but not taken never ran either, where their number is known
          sourceDone = true;
          skip(admitted, unread ?? 0);
        }
        if (stopping === 'now') {
          // what the killed workers had reported is delivered; the rest of their batches is not
          for (const batch of unfinished) skip(batch.first + reportedOf(batch), batch.count - reportedOf(batch));
          unfinished.clear();
        }
        if (unfinished.size === 0 || stopping === 'now') break;
        await wakeup.wait();
        continue;
      }
      // room is asked for and used in one step: a worker may die or retire while a take
      // waits for input, so room seen before it is no promise of room after it
      const next = waiting[0];
      const room = executor.room(next ?? SHARED, ahead());
      if (next && room > 0) {
        if (next.count <= room) submit(waiting.shift()!);
        else {
          waiting[0] = part(next, room, next.count);
          submit(part(next, 0, room));
        }
        continue;
      }
      const window = Math.max(64, WINDOW_BATCHES * executor.capacity * sizes.size);
      if (taking || next || room === 0 || sourceDone || admitted - released >= window || held >= WINDOW_BYTES) {
        if (sourceDone && !next && unfinished.size === 0) break;
        await wakeup.wait();
        continue;
      }
      startTake(Math.min(room, sizes.next(source.remaining()), window - (admitted - released)));
    }
    if (abandoned) return;
    if (stopping === 'now') await executor.kill();
    else await executor.close();
    outbox.end();
  };

  feed().catch((error: unknown) => {
    stop('now');
    outbox.end(error);
  });
  return { deliveries: outbox, stop, fatalError: () => fatalError };
}
