/**
 * Which input a worker thread last began, and whether it was still running: written by the
 * thread before and after each input, read by the pool once the thread is gone. A lone lane
 * says which input starts only before inputs that are not quick (worker-loop.ts), as a message
 * an input would cost more than a quick input does; a death it could not speak of (V8 out of
 * memory) then made every unreported input a suspect: finished ones and the culprit ran again,
 * and those never begun had a start counted (a review of issue 9). Memory shared with the
 * thread costs two plain writes an input, which a forked worker cannot share.
 *
 * Plain writes, not Atomics: the pool reads only after the thread has exited, and a thread's
 * exit is joined before its 'exit' event, which orders every write of the thread before the read.
 */
const BATCH = 0;
const OFFSET = 1;
const RUNNING = 2;

/** The input a worker last began: its batch and place in it, and whether it had not settled. */
export interface LastStart {
  batch: number;
  offset: number;
  running: boolean;
}

export class StartSlot {
  private readonly cells: Float64Array;

  /** The slot over `buffer`, as shared with the thread; a new one says no input began. */
  constructor(readonly buffer: SharedArrayBuffer = StartSlot.empty()) {
    this.cells = new Float64Array(buffer);
  }

  began(batch: number, offset: number): void {
    this.cells[BATCH] = batch;
    this.cells[OFFSET] = offset;
    this.cells[RUNNING] = 1;
  }

  settled(): void {
    this.cells[RUNNING] = 0;
  }

  read(): LastStart | undefined {
    const batch = this.cells[BATCH]!;
    if (Number.isNaN(batch)) return undefined;
    return { batch, offset: this.cells[OFFSET]!, running: this.cells[RUNNING] === 1 };
  }

  private static empty(): SharedArrayBuffer {
    const buffer = new SharedArrayBuffer(3 * Float64Array.BYTES_PER_ELEMENT);
    new Float64Array(buffer).fill(Number.NaN);
    return buffer;
  }
}
