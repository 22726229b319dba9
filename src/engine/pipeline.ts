import type { InputSource } from '../io/input-source.js';
import type { ProgressTracker } from '../progress/tracker.js';
import type { ErrorData } from '../runtime/error-data.js';
import type { Run } from '../runtime/protocol.js';
import { AutoBatchSize } from './auto-batch.js';
import { type Batch, originAt, slicePayload } from './batch.js';
import type { Delivery, FinalFailure } from './delivery.js';
import type { Executor, ExecutorListener } from './executor.js';
import { Outbox } from './outbox.js';
import { Reorder } from './reorder.js';
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
  tracker: ProgressTracker;
}

/** A batch never carries much more than this many bytes of input. */
const MAX_BATCH_BYTES = 1 << 20;
/** Settled inputs the consumer has not taken yet, in batches per executor slot. */
const WINDOW_BATCHES = 4;

/**
 * inputs -> batches -> executor -> deliveries, in order (or as they finish). Reads input only
 * while the window of inputs taken but not yet handed to the consumer has room, so memory
 * stays flat on endless input and a slow consumer slows the reading.
 */
export function runPipeline(options: PipelineOptions): AsyncIterable<Delivery> {
  const { source, executor, tracker } = options;
  const sizes = new AutoBatchSize(options.workers, options.chunksize);
  const wakeup = new Wakeup();
  const requeued: Batch[] = [];
  let nextId = 0;
  let admitted = 0; // inputs taken from the source
  let released = 0; // inputs the consumer has taken the results of
  let unfinished = 0; // batches with the executor
  let stopped = false;

  const outbox = new Outbox<Delivery>(
    (delivery) => {
      released += delivery.count;
      wakeup.notify();
    },
    () => stop(),
  );
  const emit = (delivery: Delivery): void => outbox.push(delivery);
  const reorder = options.ordered ? new Reorder(emit) : undefined;
  const settle = (start: number, end: number, deliveries: Delivery[]): void => {
    if (start === end) return;
    if (reorder) reorder.add(start, end, deliveries);
    else for (const delivery of deliveries) emit(delivery);
  };

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    source.close();
    void executor.kill();
    wakeup.notify();
  };

  /** Fails the input for good, or queues it again if it has tries left. */
  const failOrRetry = (batch: Batch, offset: number, input: string, error: ErrorData, isolated: boolean): Delivery | undefined => {
    if (batch.attempt <= options.retries) {
      tracker.retried++;
      requeued.push(part(batch, offset, offset + 1, { attempt: batch.attempt + 1, isolated }));
      return undefined;
    }
    tracker.failed++;
    const failure: FinalFailure = {
      index: batch.first + offset,
      input,
      origin: originAt(batch.origin, offset),
      attempts: batch.attempt,
      error,
    };
    return { type: 'failure', first: failure.index, count: 1, failure };
  };

  const part = (batch: Batch, from: number, to: number, changes: Partial<Batch> = {}): Batch => ({
    id: nextId++,
    first: batch.first + from,
    count: to - from,
    payload: slicePayload(batch.payload, from, to),
    attempt: batch.attempt,
    isolated: batch.isolated,
    origin: originAt(batch.origin, from),
    ...changes,
  });

  const onRun = (batch: Batch, from: number, run: Run): void => {
    const first = batch.first + from;
    const content = (start: number, end: number, cut: [number, number]): Delivery => {
      if (run.values === undefined) {
        return { type: 'text', first: start, count: end - start, text: run.text.slice(cut[0], cut[1]) };
      }
      const inputs = Array.isArray(batch.payload)
        ? batch.payload.slice(start - batch.first, end - batch.first)
        : undefined;
      return { type: 'values', first: start, count: end - start, values: run.values.slice(cut[0], cut[1]), inputs };
    };
    tracker.succeeded += run.count - run.failures.length;
    if (run.failures.length === 0) {
      settle(first, first + run.count, [content(first, first + run.count, [0, Infinity])]);
      return;
    }
    // split the run around its failures; an input to be retried leaves a gap to fill later
    let rangeStart = first;
    let pieceStart = first;
    let cutStart = 0;
    let deliveries: Delivery[] = [];
    for (const failure of run.failures) {
      const index = batch.first + failure.offset;
      if (index > pieceStart) deliveries.push(content(pieceStart, index, [cutStart, failure.at]));
      cutStart = failure.at;
      const final = failOrRetry(batch, failure.offset, failure.input, failure.error, false);
      if (final) {
        deliveries.push(final);
      } else {
        settle(rangeStart, index, deliveries);
        deliveries = [];
        rangeStart = index + 1;
      }
      pieceStart = index + 1;
    }
    const end = first + run.count;
    if (end > pieceStart) deliveries.push(content(pieceStart, end, [cutStart, Infinity]));
    settle(rangeStart, end, deliveries);
  };

  const onLost = (batch: Batch, from: number, cause: string | undefined): void => {
    if (cause === undefined) {
      // several inputs may have been running: run them again alone, to find the one to blame
      requeued.push(part(batch, from, batch.count, { isolated: true }));
      return;
    }
    const input = inputAt(batch, from);
    const final = failOrRetry(batch, from, input, { name: 'WorkerError', message: cause }, true);
    if (final) settle(final.first, final.first + 1, [final]);
    if (from + 1 < batch.count) requeued.push(part(batch, from + 1, batch.count, { isolated: false }));
  };

  const listener: ExecutorListener = {
    run(batch, from, run, last, elapsedMs) {
      onRun(batch, from, run);
      if (last) {
        unfinished--;
        if (!batch.isolated) sizes.observe(batch.count, elapsedMs);
      }
      wakeup.notify();
    },
    lost(batch, from, cause) {
      unfinished--;
      onLost(batch, from, cause);
      wakeup.notify();
    },
    free: () => wakeup.notify(),
    fatal(error) {
      stop();
      outbox.end(error);
    },
  };

  const submit = (batch: Batch): void => {
    unfinished++;
    executor.submit(batch, sizes.short);
  };

  const feed = async (): Promise<void> => {
    executor.start(listener);
    let sourceDone = false;
    while (!stopped) {
      const next = requeued[0];
      const room = executor.room(next?.isolated ?? false, sizes.short);
      if (next && room > 0) {
        if (next.count <= room) submit(requeued.shift()!);
        else {
          requeued[0] = part(next, room, next.count);
          submit(part(next, 0, room));
        }
        continue;
      }
      const window = Math.max(64, WINDOW_BATCHES * executor.capacity * sizes.size);
      if (next || room === 0 || sourceDone || admitted - released >= window) {
        if (sourceDone && !next && unfinished === 0) break;
        await wakeup.wait();
        continue;
      }
      const size = Math.min(room, sizes.next(source.remaining()), window - (admitted - released));
      const slice = await source.take(size, MAX_BATCH_BYTES);
      if (stopped) break;
      if (slice === null) {
        sourceDone = true;
        tracker.total = admitted;
        continue;
      }
      const batch: Batch = { id: nextId++, first: admitted, attempt: 1, isolated: false, ...slice };
      admitted += slice.count;
      const remaining = source.remaining();
      if (remaining !== undefined) tracker.total = admitted + remaining;
      submit(batch);
    }
    if (stopped) return;
    await executor.close();
    outbox.end();
  };

  feed().catch((error: unknown) => {
    stop();
    outbox.end(error);
  });
  return outbox;
}

function inputAt(batch: Batch, offset: number): string {
  const payload = slicePayload(batch.payload, offset, offset + 1);
  if (Array.isArray(payload)) return payload[0] ?? '';
  return Buffer.from(payload).toString('utf8').replace(/\r?\n$/, '');
}
