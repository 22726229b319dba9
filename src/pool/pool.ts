import type { Batch } from '../engine/batch.js';
import type { Executor, ExecutorListener } from '../engine/executor.js';
import { PrunError } from '../errors.js';
import { fromErrorData } from '../runtime/error-data.js';
import { BRAND, type FromWorker, type ResultFormat } from '../runtime/protocol.js';
import { type RuntimeKind, startWorker, type WorkerExit } from '../runtime/runtime.js';
import { WorkerSlot } from './worker-slot.js';

export interface PoolOptions {
  runtime: RuntimeKind;
  workers: number;
  /** Batches each worker runs at once (async tasks in flight). */
  concurrency: number;
  /** A worker is replaced after this many inputs. */
  maxTasksPerWorker: number | undefined;
  memoryLimitMb: number | undefined;
  /** Workers start while the script is still being compiled: they load it when this resolves. */
  modulePath: Promise<string>;
  format: ResultFormat;
}

/** How long teardown() may take once the work is done before its worker is killed. */
const TEARDOWN_GRACE_MS = 5000;

/**
 * The local executor: a pool of forked processes or worker threads. Workers start once and
 * are reused; each holds up to concurrency + 1 batches, so it never waits for the next one.
 */
export class Pool implements Executor {
  readonly capacity: number;
  readonly ready: Promise<void>;
  private markReady!: () => void;
  private readonly slots = new Set<WorkerSlot>();
  private listener: ExecutorListener | undefined;
  private slotNumber = 0;
  private everReady = false;
  private closing = false;
  private readonly exits = new Set<Promise<void>>();

  constructor(private readonly options: PoolOptions) {
    this.capacity = options.workers * (options.concurrency + 1);
    this.ready = new Promise((resolve) => {
      this.markReady = resolve;
    });
  }

  start(listener: ExecutorListener): void {
    this.listener = listener;
    for (let i = 0; i < this.options.workers; i++) this.spawn();
  }

  room(isolated: boolean, ahead: boolean): number {
    const slot = this.pick(isolated, ahead);
    return slot ? this.quota(slot) : 0;
  }

  submit(batch: Batch, ahead: boolean): void {
    const slot = this.pick(batch.isolated, ahead);
    if (!slot) throw new Error('prun: a batch was submitted to a pool with no room');
    slot.inFlight.set(batch.id, { batch, done: 0 });
    slot.tasksGiven += batch.count;
    slot.worker.send({
      brand: BRAND,
      type: 'batch',
      id: batch.id,
      first: batch.first,
      attempt: batch.attempt,
      payload: batch.payload,
      eager: batch.isolated,
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const slot of this.slots) if (slot.state !== 'ending') this.end(slot);
    await Promise.all(this.exits);
  }

  async kill(): Promise<void> {
    this.closing = true;
    this.markReady();
    for (const slot of this.slots) slot.worker.kill();
    await Promise.all(this.exits);
  }

  /** The ready worker with the fewest batches that may take one; isolated batches run alone. */
  private pick(isolated: boolean, ahead: boolean): WorkerSlot | undefined {
    const limit = this.options.concurrency + (ahead ? 1 : 0);
    let best: WorkerSlot | undefined;
    for (const slot of this.slots) {
      if (slot.state !== 'ready' || this.quota(slot) <= 0) continue;
      const fits = isolated
        ? slot.inFlight.size === 0
        : !slot.holdsIsolated && slot.inFlight.size < limit;
      if (fits && (!best || slot.inFlight.size < best.inFlight.size)) best = slot;
    }
    return best;
  }

  private quota(slot: WorkerSlot): number {
    const max = this.options.maxTasksPerWorker;
    return max === undefined ? Number.POSITIVE_INFINITY : max - slot.tasksGiven;
  }

  private spawn(): void {
    const worker = startWorker(this.options.runtime, { memoryLimitMb: this.options.memoryLimitMb });
    const slot = new WorkerSlot(worker, ++this.slotNumber);
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
    this.options.modulePath.then(
      (modulePath) =>
        worker.send({
          brand: BRAND,
          type: 'init',
          config: { modulePath, format: this.options.format, concurrency: this.options.concurrency },
        }),
      () => worker.kill(), // compiling failed; whoever awaited it reports why
    );
  }

  private onMessage(slot: WorkerSlot, message: FromWorker): void {
    switch (message.type) {
      case 'ready':
        slot.state = 'ready';
        this.everReady = true;
        this.markReady();
        this.listener!.free();
        return;
      case 'setup-failed': {
        const error = fromErrorData(message.error);
        this.listener!.fatal(new PrunError('ERR_SETUP', `setup() failed: ${error.message}`, { cause: error }));
        return;
      }
      case 'run': {
        const entry = slot.inFlight.get(message.id);
        if (!entry) throw new Error(`prun: a worker reported batch ${message.id}, which it does not hold`);
        const from = entry.done;
        entry.done += message.count;
        if (message.last) slot.inFlight.delete(message.id);
        this.listener!.run(entry.batch, from, message, message.last, message.elapsedMs);
        if (message.last) this.afterBatch(slot);
        return;
      }
      default:
        throw new Error(`prun: unknown message from a worker: ${JSON.stringify(message)}`);
    }
  }

  /** A worker that has run its share of tasks is replaced once its batches are done. */
  private afterBatch(slot: WorkerSlot): void {
    if (this.quota(slot) <= 0 && slot.state === 'ready') slot.state = 'retiring';
    if (slot.state === 'retiring' && slot.inFlight.size === 0) {
      this.end(slot);
      if (!this.closing) this.spawn();
    }
    this.listener!.free();
  }

  private end(slot: WorkerSlot): void {
    slot.state = 'ending';
    slot.worker.send({ brand: BRAND, type: 'end' });
    setTimeout(() => slot.worker.kill(), TEARDOWN_GRACE_MS).unref();
  }

  private onExit(slot: WorkerSlot, exit: WorkerExit): void {
    const wasStarting = slot.state === 'starting';
    const expected = slot.state === 'ending' || this.closing;
    slot.state = 'dead';
    this.slots.delete(slot);
    if (expected && slot.inFlight.size === 0) return;
    if (wasStarting && !this.everReady && !this.closing) {
      this.listener!.fatal(new PrunError('ERR_WORKER_START', `a worker failed to start: ${exit.cause}`));
      return;
    }
    // only a batch that ran alone, reporting each result, tells which input was running
    const entries = [...slot.inFlight.values()];
    const alone = entries.length === 1 && entries[0]!.batch.isolated;
    for (const { batch, done } of entries) this.listener!.lost(batch, done, alone ? exit.cause : undefined);
    if (!this.closing) this.spawn();
  }
}
