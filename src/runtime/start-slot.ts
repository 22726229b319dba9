/**
 * Which input a worker thread last began, and how far it had got: written by the thread as
 * each input begins, awaits and settles, read by the pool once the thread is gone. A lone lane
 * says which input starts only before inputs that are not quick (worker-loop.ts), as a message
 * an input would cost more than a quick input does; a death it could not speak of (V8 out of
 * memory) then made every unreported input a suspect: finished ones and the culprit ran again,
 * and those never begun had a start counted (a review of issue 9). Memory shared with the
 * thread costs two or three plain writes an input; a forked worker cannot share any.
 *
 * Plain writes, not Atomics: the pool reads only after the thread has exited, and a thread's
 * exit is joined before its 'exit' event, which orders every write of the thread before the read.
 */
const BATCH = 0;
const OFFSET = 1;
const PHASE = 2;

/**
 * Where the input was: in the synchronous part of its call, where a death is its own doing;
 * awaiting, where another input's timer may be what ends the worker (so it is not to blame
 * for a death that runs code, a throw or process.exit, nor surely for one that runs none);
 * or settled.
 */
export type StartPhase = 'calling' | 'awaiting' | 'settled';
/** Each phase's number in the slot: its place here. */
const PHASES: readonly StartPhase[] = ['settled', 'calling', 'awaiting'];
const SETTLED = 0;
const CALLING = 1;
const AWAITING = 2;

/** The input a worker last began: its batch and place in it, and its phase. */
export interface LastStart {
  batch: number;
  offset: number;
  phase: StartPhase;
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
    this.cells[PHASE] = CALLING;
  }

  awaiting(): void {
    this.cells[PHASE] = AWAITING;
  }

  settled(): void {
    this.cells[PHASE] = SETTLED;
  }

  read(): LastStart | undefined {
    const batch = this.cells[BATCH]!;
    if (Number.isNaN(batch)) return undefined;
    return { batch, offset: this.cells[OFFSET]!, phase: PHASES[this.cells[PHASE]!]! };
  }

  private static empty(): SharedArrayBuffer {
    const buffer = new SharedArrayBuffer(3 * Float64Array.BYTES_PER_ELEMENT);
    new Float64Array(buffer).fill(Number.NaN);
    return buffer;
  }
}
