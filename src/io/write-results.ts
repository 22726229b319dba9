import type { Writable } from 'node:stream';
import { type Delivery, discard, type FinalFailure, type JobRecord } from '../model/delivery.js';
import { PrunError } from '../errors.js';
import { failureJson } from '../model/failure.js';
import { fileChunks } from './file-chunks.js';
import { rowlessResults } from './joblog.js';
import { describeSystemError, readerGone } from './system-error.js';

export interface WriteOptions {
  /** Failed inputs as {"index","input","error","code",...} lines on stdout too. */
  json: boolean;
  /**
   * The stream is a file the user named (exec's `--results FILE.csv`), not stdout: a reader of
   * it that goes (a FIFO) is a failure to write it, said and 74, not a quiet 141 (a review).
   */
  fileName?: string;
  /** How the deliveries' text becomes bytes. */
  encoding: 'utf8' | 'latin1';
  /** Told of each input that failed for good, as its turn comes: says its line. */
  onFailure(failure: FinalFailure): void;
  /**
   * Settles once the lines onFailure said so far are out of this process. stderr is not
   * synchronous: a pipe nobody reads holds back, in memory, what is written to it. Records
   * after a failure wait for this, so that no joblog row comes before its failure's line (was:
   * told at once; a crash then left rows of failures whose lines were never seen). Asked once
   * a batch of records, not a failure: a write and a promise a failure cost 30% of a run of
   * 100,000 failures.
   */
  failuresOut?: () => Promise<void>;
  /**
   * Where onFailure and onStderr write: while its reader lets writes wait in memory past its
   * high-water mark, the writing waits, as it does for `out` (was: a reader of stderr that did
   * not read made prun hold every failure line: 1e6 of them, 250-600 MB).
   */
  stderr?: Writable;
  /**
   * What an input wrote on stderr (a `stderr` delivery), in its turn: after its output has
   * been taken by the stream, so that `2>&1` keeps a job's lines together. Dropped without.
   */
  onStderr?: (text: string) => void;
  /**
   * Told of settled inputs once everything written before their records has been taken by
   * the stream (--joblog): a crash can then lose a row, never a result whose row is written.
   * May throw: the writing stops with that error.
   */
  onRecords?: (records: readonly JobRecord[]) => void;
  /**
   * Told once, as soon as the writing cannot go on: the next delivery, which would end the
   * writing, may be far away while inputs still run.
   */
  onStop?: () => void;
  /**
   * Aborted when the writing must not wait any longer for a reader that does not read (a
   * second Ctrl-C): from then on, a reader that takes nothing for `stalledReaderMs` ends the
   * writing with OutputAbandoned; what was not taken stays unwritten, and the records behind
   * it are never told (so --resume runs those inputs again). A reader that reads gets all.
   */
  giveUp?: AbortSignal;
  /** How long a reader may take nothing once `giveUp` is aborted; 1 s unless given. */
  stalledReaderMs?: number;
}

/**
 * A reader told to end now still gets what it takes; one that takes nothing for this long is
 * stalled. Long enough for a reader on a loaded machine to be scheduled, short beside the
 * grace a first signal gives.
 */
const STALLED_READER_MS = 1000;

/**
 * Inputs whose outcome got out: a success once the stream took its output (at once when it
 * had none), a failure once said (onFailure).
 */
export interface OutcomesOut {
  succeeded: number;
  failed: number;
}

/** The writing was given up (WriteOptions.giveUp) while stdout's reader was not reading. */
export class OutputAbandoned extends Error {
  constructor(
    /** What got out, kept up to date by writes the stream still takes. */
    readonly out: OutcomesOut,
  ) {
    super('stdout was not read');
    this.name = 'OutputAbandoned';
  }
}

/** Raised when the reader of stdout has gone away (`| head`). */
export class BrokenPipe extends Error {
  constructor() {
    super('stdout was closed');
    this.name = 'BrokenPipe';
  }
}

/**
 * Writes deliveries to stdout as they come, one write a delivery, waiting for `drain` when
 * the stream says its buffer is full: a slow reader slows the pull, and the pull slows the
 * pipeline's reading of input. A stream that cannot be written ends the writing with
 * BrokenPipe (EPIPE) or an ERR_OUTPUT PrunError (a full disk); either way the caller's
 * loop stops, which ends the run.
 */
export async function writeResults(deliveries: AsyncIterable<Delivery>, out: Writable, options: WriteOptions): Promise<void> {
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const fail = (error: Error): void => {
    if (failure) return;
    failure = error;
    options.onStop?.();
    wake?.();
  };
  /**
   * Resolves once `done()` holds, or the writing failed; what it waits for is the reader's
   * doing. Once told to give up, a wait in which the reader takes nothing for
   * `stalledReaderMs` ends the writing (was: given up at once, at the second Ctrl-C or the end
   * of the grace, so that results the stop itself let out, held in input order behind an input
   * it ended, were never written to a reader that read, and were counted as never ran).
   */
  const until = async (done: () => boolean): Promise<void> => {
    while (!done() && !failure) {
      const stalled = options.giveUp?.aborted ? watchStall() : undefined;
      await new Promise<void>((resolve) => (wake = resolve));
      stalled?.();
    }
    wake = undefined;
  };
  /**
   * Abandons the writing unless the reader takes something within the patience, part of a
   * write included: a result larger than the reader takes in that time calls back only once
   * whole (was: a reader taking 60 KB/s of 100 KB results was given up on as it read).
   * Returns what stops the watch.
   */
  const watchStall = (): (() => void) => {
    const patience = options.stalledReaderMs ?? STALLED_READER_MS;
    let queued = bytesNotTaken(out);
    const check = (): void => {
      const now = bytesNotTaken(out);
      if (now === undefined || queued === undefined || now >= queued) return abandon();
      queued = now;
      timer = setTimeout(check, patience);
    };
    let timer = setTimeout(check, patience);
    return () => clearTimeout(timer);
  };
  // records wait for the write callbacks of what came before them: the data is then out of
  // this process (written to the file, or to the pipe; an unread pipe holds it back)
  let issued = 0;
  let written = 0;
  // and the failures' lines said before them, on stderr (another stream: counted apart)
  let said = 0;
  let saidOut = 0;
  let unsaid = false; // a failure was said since the last records
  const held: { after: number; afterSaid: number; records: JobRecord[] }[] = [];
  const gotOut: OutcomesOut = { succeeded: 0, failed: 0 };
  // the successes each write issued and not yet called back carries, in order
  const carried: number[] = [];
  // a write taken after the writing was given up on a stalled reader got out all the same: its
  // records are kept (a relay of stdout says what it took only as it stops: abandonResults)
  const release = (): void => {
    while (held.length > 0 && held[0]!.after <= written && held[0]!.afterSaid <= saidOut && (!failure || failure instanceof OutputAbandoned)) {
      try {
        options.onRecords?.(held.shift()!.records);
      } catch (error) {
        fail(error as Error);
      }
    }
    wake?.();
  };
  const onError = (error: NodeJS.ErrnoException) => {
    // destroyed: the pipe to a relay of stdout is closed when the relay exits (a full disk)
    // with a joblog, the write the disk cut short printed results in part, some of them whole,
    // and none has a row: said as the relay of stdout says it (stdout-takeover.ts)
    const rowless = options.onRecords ? rowlessResults("the joblog's") : '';
    const stdoutGone = options.fileName === undefined && (readerGone(error) || error.code === 'ERR_STREAM_DESTROYED');
    fail(stdoutGone ? new BrokenPipe() : new PrunError('ERR_OUTPUT', `cannot write ${options.fileName ?? 'results'}: ${describeSystemError(error)}${rowless}`));
  };
  const onWritten = (error?: Error | null): void => {
    // a stream destroyed under its writes calls them back with an error and says nothing else
    // (was: exit 13, the records waiting for ever on writes that had failed)
    if (error) return onError(error as NodeJS.ErrnoException);
    written++;
    gotOut.succeeded += carried.shift() ?? 0;
    release();
  };
  /** Closed before the writing is over: nothing more gets out. */
  const onClose = (): void => fail(new BrokenPipe());
  const onDrain = (): void => wake?.();
  // a stderr whose reader went (EPIPE) takes nothing more, and holds nothing back either
  const stderrFull = (): boolean => options.stderr?.writableNeedDrain === true && !options.stderr.destroyed;
  /**
   * One write, counted for the records behind it and carrying `succeeded` inputs out; waits
   * while the stream's buffer is full.
   */
  const write = async (chunk: string | Uint8Array, succeeded: number): Promise<void> => {
    issued++;
    carried.push(succeeded);
    if (!out.write(chunk, options.encoding, onWritten)) await until(() => !out.writableNeedDrain);
    if (failure) throw failure;
  };
  const abandon = (): void => fail(new OutputAbandoned(gotOut));
  // a wait for the reader under way starts counting its patience (until)
  const onGiveUp = (): void => wake?.();
  options.giveUp?.addEventListener('abort', onGiveUp);
  out.on('error', onError);
  out.on('drain', onDrain);
  out.on('close', onClose);
  options.stderr?.on('drain', onDrain);
  options.stderr?.on('close', onDrain);
  try {
    for await (const delivery of deliveries) {
      if (failure) {
        discard(delivery);
        throw failure;
      }
      if (delivery.type === 'records') {
        if (unsaid && options.failuresOut) {
          unsaid = false;
          said++;
          void options.failuresOut().then(() => {
            saidOut++;
            release();
          });
        }
        held.push({ after: issued, afterSaid: said, records: delivery.records });
        release();
        continue;
      }
      if (delivery.type === 'stderr') {
        // every write before it called back (one that failed ends the writing)
        await until(() => written === issued);
        if (failure) throw failure;
        options.onStderr?.(delivery.text);
        if (stderrFull()) await until(() => !stderrFull());
        continue;
      }
      if (delivery.type === 'file') {
        // streamed a chunk at a time, never whole in memory; the file is freed whatever happens
        try {
          // its inputs are out with its last chunk
          let last: Uint8Array | undefined;
          for await (const chunk of fileChunks(delivery.file)) {
            if (last) await write(last, 0);
            last = chunk;
          }
          if (last) await write(last, delivery.count);
          else gotOut.succeeded += delivery.count;
        } finally {
          delivery.file.close();
        }
        continue;
      }
      if (delivery.type === 'failure') {
        gotOut.failed++;
        options.onFailure(delivery.failure);
        unsaid = true;
        if (stderrFull()) await until(() => !stderrFull());
      }
      const text = textOf(delivery, options);
      const succeeded = delivery.type === 'text' || delivery.type === 'values' ? delivery.count : 0;
      if (text !== '') await write(text, succeeded);
      else gotOut.succeeded += succeeded;
    }
    // every write taken before the run is said to be over: what the summary counts as done got
    // out, and a stop told afterwards has nothing of stdout left to lose. Told to give up, the
    // reader gets until it is stalled (was: waited for only once told, so that a second signal
    // that came after this, at the exit, dropped results the summary had counted)
    await until(() => held.length === 0 && written === issued);
    // a file's stream fails a write on the next tick (`> /dev/full`): that failure must end the
    // run here, not crash the process once nobody listens. One turn of the loop lets it come;
    // waiting for the writes' callbacks instead would wait for ever on a relay already gone
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (failure) throw failure;
  } finally {
    options.giveUp?.removeEventListener('abort', onGiveUp);
    out.off('error', onError);
    out.off('drain', onDrain);
    out.off('close', onClose);
    options.stderr?.off('drain', onDrain);
    options.stderr?.off('close', onDrain);
    // a write that fails after we stopped listening must not crash the process
    if (failure) out.on('error', () => {});
  }
}

/**
 * Bytes of the writes the stream took that its reader has not: those the relay of stdout has
 * not said it wrote (`unconfirmedBytes`, cli/acknowledged-writes.ts), or those the stream's
 * handle still holds (a pipe's or a socket's, as libuv counts them). They go down as the
 * reader takes part of a write. Undefined for a stream with neither (a file's), whose writes'
 * callbacks alone say that it takes. Was: the relay had no handle, so after a Ctrl-C a reader
 * that read was given up on at the first wait (a review). The relay says its count a chunk of
 * its stdin (64 KiB) at a time: a reader slower than that a second is still taken for stalled.
 */
function bytesNotTaken(out: Writable): number | undefined {
  const unconfirmed = (out as { unconfirmedBytes?: unknown }).unconfirmedBytes;
  if (typeof unconfirmed === 'number') return unconfirmed;
  const queued = (out as { _handle?: { writeQueueSize?: unknown } })._handle?.writeQueueSize;
  return typeof queued === 'number' ? queued : undefined;
}

function textOf(delivery: Exclude<Delivery, { type: 'records' | 'file' | 'stderr' }>, options: WriteOptions): string {
  switch (delivery.type) {
    case 'text':
      return delivery.text;
    case 'values':
      return delivery.values.map((value) => `${JSON.stringify(value)}\n`).join('');
    case 'failure': {
      const { failure } = delivery;
      return options.json ? `${JSON.stringify({ index: failure.index, input: failure.input, ...failureJson(failure.error) })}\n` : '';
    }
    case 'skipped':
      return '';
  }
}
