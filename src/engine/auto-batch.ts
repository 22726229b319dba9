/**
 * Batch sizing in the manner of joblib's AutoBatchingMixin: start with one input while the
 * cost of an input is unknown, then size batches so each takes about TARGET_MS of a worker's
 * time. That keeps dispatch overhead a small fraction of the work for fast functions, and
 * keeps slow functions one input per batch. Near the end, batches shrink so that the workers
 * finish together. Batches are bounded in output too: the read-ahead window stops taking
 * inputs once enough output waits for the consumer, but batches already sent still bring
 * theirs, and thousands of fast inputs with 100 KB results each were 200 MB a batch.
 */
const TARGET_MS = 20;
/** Input or output a batch may hold, about (the window holds 64 MB: read-ahead.ts). */
const TARGET_BYTES = 4 * 1024 * 1024;
const MAX_SIZE = 100_000;
/** How fast a batch may grow from one measurement: the first ones carry start-up noise. */
const MAX_GROWTH = 8;
const SMOOTHING = 0.3;

export class AutoBatchSize {
  private perInputMs: number | undefined;
  private outputBytesPerInput: number | undefined;
  private inputBytesPerInput: number | undefined;
  private current = 1;

  constructor(
    private readonly workers: number,
    private readonly fixed: number | undefined,
  ) {}

  /** The size of the next batch, given how many inputs are left, where that is known. */
  next(remaining: number | undefined): number {
    const size = this.fixed ?? this.current;
    if (this.fixed !== undefined || remaining === undefined) return size;
    return Math.max(1, Math.min(size, Math.ceil(remaining / (2 * this.workers))));
  }

  /** A batch of `count` inputs kept a worker busy for `elapsedMs`. */
  observe(count: number, elapsedMs: number): void {
    if (count === 0) return;
    const sample = elapsedMs / count;
    this.perInputMs = smoothed(this.perInputMs, sample);
    if (this.fixed !== undefined) return;
    const ideal = Math.floor(TARGET_MS / Math.max(this.perInputMs, 1e-6));
    this.current = Math.max(1, Math.min(ideal, this.current * MAX_GROWTH, MAX_SIZE, this.mostForBytes()));
  }

  /** `count` inputs brought `bytes` of output (a batch, or part of one). */
  observeOutput(count: number, bytes: number): void {
    if (count === 0) return;
    this.outputBytesPerInput = smoothed(this.outputBytesPerInput, bytes / count);
    this.keepUnderBytes();
  }

  /** `count` inputs taken from the source held `bytes`. */
  observeInput(count: number, bytes: number): void {
    if (count === 0) return;
    this.inputBytesPerInput = smoothed(this.inputBytesPerInput, bytes / count);
    this.keepUnderBytes();
  }

  /**
   * About how many bytes an input holds, as the latest takes went (0 before the first): what
   * the read-ahead window counts of inputs not yet taken by the consumer, which a library
   * caller's outcomes keep (was: thousands of 1 MB inputs read ahead of a slow loop: a review).
   */
  get inputBytes(): number {
    return this.inputBytesPerInput ?? 0;
  }

  private keepUnderBytes(): void {
    if (this.fixed === undefined) this.current = Math.max(1, Math.min(this.current, this.mostForBytes()));
  }

  /** The most inputs a batch may hold for its input and its output to stay about TARGET_BYTES. */
  private mostForBytes(): number {
    const perInput = Math.max(this.outputBytesPerInput ?? 0, this.inputBytesPerInput ?? 0, 1);
    return Math.floor(TARGET_BYTES / perInput);
  }

  /**
   * Whether batches are known to be short, so that a worker may be sent the next one before
   * it is done with this one. With slow or unmeasured tasks, a batch queued behind a running
   * one could wait for it while another worker sits idle.
   */
  get short(): boolean {
    return this.perInputMs !== undefined && this.perInputMs * this.size <= TARGET_MS * 2;
  }

  /** The size batches have now, for sizing windows that must hold several of them. */
  get size(): number {
    return this.fixed ?? this.current;
  }
}

/** A measure folded into the running one. */
function smoothed(running: number | undefined, sample: number): number {
  return running === undefined ? sample : SMOOTHING * sample + (1 - SMOOTHING) * running;
}
