import type { Batch } from '../../src/model/batch.js';
import type { Blame, Executor, ExecutorListener } from '../../src/model/executor.js';
import { splitPayload } from '../../src/model/payload.js';
import type { ItemFailure } from '../../src/model/run.js';

/** What the fake does with one input when the test runs it: its output line, or a failure. */
export type Outcome = { output: string } | { failure: ItemFailure['error'] } | 'kill';

/**
 * An in-memory executor of `lanes` lanes, one batch each: batches wait until the test runs
 * them (`runNext`, `runAll`), so a test decides exactly what happens when. Every start is
 * recorded, for counting starts and checking that limits hold.
 */
export class FakeExecutor implements Executor {
  readonly capacity: number;
  readonly ready = Promise.resolve();
  listener!: ExecutorListener;
  /** Batches held, in the order submitted. */
  readonly held: Batch[] = [];
  /** Every input started: [input, attempt], in order. */
  readonly starts: { input: string; attempt: number; key: string | undefined }[] = [];
  /** How many of the next batches submit() says went to a worker that has reported nothing yet. */
  coldSubmits = 0;
  private stopped = false;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly lanes: number,
    private readonly outcome: (input: string, attempt: number) => Outcome = (input) => ({ output: input }),
  ) {
    this.capacity = lanes;
  }

  start(listener: ExecutorListener): void {
    this.listener = listener;
  }

  room(): number {
    return this.stopped || this.held.length >= this.lanes ? 0 : Number.POSITIVE_INFINITY;
  }

  submit(batch: Batch): boolean {
    if (this.room() === 0) throw new Error('a batch was submitted with no room');
    this.held.push(batch);
    for (const input of splitPayload(batch.payload, batch.separator, 'text')) this.starts.push({ input, attempt: batch.attempt, key: batch.key });
    for (const waiter of this.waiters.splice(0)) waiter();
    if (this.coldSubmits === 0) return false;
    this.coldSubmits--;
    return true;
  }

  /** Settles once `count` batches are held. */
  async holding(count: number): Promise<void> {
    while (this.held.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Runs the oldest held batch to its end. */
  runNext(): Batch {
    const batch = this.held.shift();
    if (!batch) throw new Error('no batch is held');
    const inputs = splitPayload(batch.payload, batch.separator, 'text');
    let text = '';
    const failures: ItemFailure[] = [];
    for (const [offset, input] of inputs.entries()) {
      const outcome = this.outcome(input, batch.attempt);
      if (outcome === 'kill') {
        const blame: Blame = { culprit: { code: 'ERR_WORKER_SIGNAL', name: 'Error', message: 'worker killed by SIGKILL', signal: 'SIGKILL' } };
        if (offset > 0) this.listener.run(batch, 0, { count: offset, text, values: undefined, failures, durationsMs: undefined }, false, 1);
        this.listener.lost(batch, offset, blame);
        this.listener.free();
        return batch;
      }
      if ('output' in outcome) text += `${outcome.output}\n`;
      else failures.push({ offset, input, at: text.length, error: outcome.failure });
    }
    this.listener.run(batch, 0, { count: inputs.length, text, values: undefined, failures, durationsMs: undefined }, true, 1);
    this.listener.free();
    return batch;
  }

  stop(): void {
    this.stopped = true;
  }
  async close(): Promise<void> {}
  async kill(): Promise<void> {
    this.held.length = 0;
  }
}
