import type { InputSource, Slice } from '../io/input-source.js';
import { type Batch, cutBatch, newBatchId, SHARED } from '../model/batch.js';
import { valuesSize } from '../model/value-size.js';
import type { ProgressTracker } from '../progress/tracker.js';
import type { AutoBatchSize } from './auto-batch.js';
import type { Deliveries } from './deliveries.js';
import type { Admission } from './scheduler/admission.js';
import type { Line } from './scheduler/waiting-line.js';
import type { StopMode } from './stopping.js';

/** A batch never carries much more than this many bytes of input. */
const MAX_BATCH_BYTES = 1 << 16;
/**
 * Values of a take whose size is measured, for the running mean of an input's size: a few are
 * enough, and an object of 200k keys costs 80 ms to list (was: 32, a run of such inputs 30%
 * slower: a review).
 */
const INPUTS_SAMPLED = 4;
/** The most inputs a take asks for while the journal leaves out what is taken (--resume). */
const MAX_LEFT_OUT_TAKE = 4096;

/**
 * Takes inputs from the source into the line: one take at a time, admitted (what an earlier
 * run finished left out, keys given) and cut into batches of the size of the moment. A take
 * under way lets the pipeline place what waits in the line meanwhile.
 */
export class Intake {
  /** Inputs taken from the source. */
  admitted = 0;
  /** The source has no more, or the stop has counted what it never gave. */
  done = false;
  /** A take under way. */
  taking: Promise<void> | undefined;
  /** A take failed (an unreadable file): the input ends there, and the run fails with this. */
  failed: { error: unknown } | undefined;
  /** How many times the usual number of inputs the next take asks for: more while takes are left out whole. */
  private leftOutTakes = 1;

  constructor(
    private readonly source: InputSource,
    private readonly admission: Admission,
    private readonly sizes: AutoBatchSize,
    private readonly line: Pick<Line, 'add'>,
    private readonly deliveries: Deliveries,
    private readonly stopping: { readonly mode: StopMode | undefined },
    private readonly tracker: ProgressTracker,
    /** Something changed that the pipeline's loop waits on: a take ended. */
    private readonly changed: () => void,
  ) {
    // a source that knows its size from the start (`:::` values) shows its total at once, not
    // after its first take, which waits for the workers (was: `0 done` until then)
    const known = source.remaining();
    if (known !== undefined) tracker.total = known;
    // a stream's end read ahead shows the total at once: at the next take it waited for the
    // workers to be free, a long task away (was: `0 done` until the first results)
    else void source.endSeen?.().then(this.showTotal);
  }

  private readonly showTotal = (): void => {
    const remaining = this.source.remaining();
    // a take under way counts what it brings when it ends (took)
    if (this.done || this.taking || remaining === undefined) return;
    this.tracker.total = this.admitted + remaining;
  };

  /**
   * Done without a take when the source says it has nothing left: a take waits for room, and
   * with none (the only worker retired, its replacement still starting) the end of the input
   * went unseen, the run waiting for a worker no input needed (for ever, if its setup() hung).
   */
  endIfDrained(): void {
    if (this.done || this.taking || this.source.remaining() !== 0) return;
    this.done = true;
    this.tracker.total = this.admitted;
  }

  /** Starts a take of at most `max` inputs, as many as batches of the current size ask for. */
  take(max: number): void {
    const size = Math.min(max, this.sizes.next(this.source.remaining()) * this.leftOutTakes);
    this.taking = this.source.take(size, MAX_BATCH_BYTES).then(this.took, this.takeFailed);
    void this.taking.finally(this.takeEnded);
  }

  /** The run stops: inputs read ahead but never taken did not run either, where their number (`unread`) is known. */
  stopped(unread: number | undefined): void {
    if (this.done) return;
    this.done = true;
    this.deliveries.notRun(this.admitted, unread ?? 0);
  }

  private readonly took = (slice: Slice | null): void => {
    if (this.stopping.mode) {
      // the stop closed the source: what the take still brought never ran
      if (slice) {
        this.deliveries.notRun(this.admitted, slice.count);
        this.admitted += slice.count;
      }
      return;
    }
    if (slice === null) {
      this.done = true;
      this.tracker.total = this.admitted;
      return;
    }
    this.sizes.observeInput(slice.count, slice.payload instanceof Uint8Array ? slice.payload.byteLength : valuesSize(slice.payload, INPUTS_SAMPLED));
    const batch: Batch = { id: newBatchId(), first: this.admitted, attempt: 1, retried: 0, ...SHARED, ...slice };
    this.admitted += slice.count;
    const remaining = this.source.remaining();
    if (remaining !== undefined) this.tracker.total = this.admitted + remaining;
    const parts = this.admission.admit(batch);
    // a journal that shows a long stretch finished (--resume): take more at a time while takes
    // are left out whole, or resuming crawls one input a take; what is kept runs in batches
    // of the usual size all the same
    this.leftOutTakes = parts.length === 0 ? Math.min(this.leftOutTakes * 2, MAX_LEFT_OUT_TAKE) : 1;
    const size = this.sizes.next(remaining);
    for (const part of parts) {
      if (part.count <= size) this.line.add(part);
      else for (let from = 0; from < part.count; from += size) this.line.add(cutBatch(part, from, Math.min(part.count, from + size)));
    }
  };

  // a source closed by the stop may end its take with an error of its own: nothing lost
  private readonly takeFailed = (error: unknown): void => {
    if (this.stopping.mode) return;
    this.failed = { error };
    this.done = true;
  };

  private readonly takeEnded = (): void => {
    this.taking = undefined;
    this.changed();
  };
}
