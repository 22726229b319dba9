import { constants } from 'node:buffer';
import { ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { PrunError } from '../errors.js';
import { argumentPath } from '../model/byte-string.js';
import { NEWLINE, type Separator } from '../model/payload.js';
import { countLines } from './count-lines.js';
import { isRegularFile } from './is-regular-file.js';
import type { InputSource, Slice } from './input-source.js';
import { openReadable } from './open-readable.js';
import { inputReadError } from './input-read-error.js';

const READ_SIZE = 1 << 18;

/**
 * How far a stream is read ahead of what has been taken, in bytes, once its total is wanted
 * (seekEnd: a progress bar, a --halt percentage): enough to see the end of most piped inputs,
 * and a fixed bound, so that an endless stream costs no more memory than this.
 */
export const READ_AHEAD_BYTES = 64 << 20;

/**
 * How far a stream is read ahead while nobody wants its total: a few reads, so that the
 * writer of a pipe goes on writing while lines are cut, and the tail of the input is known
 * before batches shrink to end together (auto-batch.ts). Reading 64 MB ahead regardless made
 * the memory of `seq N | prun map` grow with N until N passed 64 MB of input: peak tree RSS
 * at 1e7 inputs 178 MB, at 1e6 (7 MB of input) 107 MB.
 */
const NEAR_READ_AHEAD_BYTES = 1 << 20;

const THE_END: IteratorResult<Buffer> = { done: true, value: undefined };

/**
 * The longest line an input can be: what V8 can make a string of (512 MiB, less a few bytes).
 * Was: a longer line was gathered whole however long, and the worker it was given died as it
 * decoded it, was replaced and given it again, for ever.
 */
export const MAX_LINE_BYTES = constants.MAX_STRING_LENGTH;

/**
 * Lines of one stream (or NUL-ended inputs), handed out as raw bytes: the main thread finds
 * line ends but never decodes or copies a line on its own; the worker splits them. A line
 * longer than a read is gathered in parts and joined once, so a line of tens of MB costs
 * one copy, not many. The stream is opened at the first take (or prefetch), so that a file
 * is never opened before its turn, and is then read ahead of the takes, up to `readAhead` bytes:
 * once its end is among the bytes read ahead, the lines left are counted (remaining()).
 * Closing is the end of the input, even for a take waiting on a writer that never comes:
 * it resolves as the end rather than failing with the stream.
 */
export function lineSource(
  open: () => Readable | Promise<Readable>,
  file: string | undefined,
  separator: Separator = NEWLINE,
  readAhead = READ_AHEAD_BYTES,
  maxLineBytes = MAX_LINE_BYTES,
): InputSource {
  let stream: Readable | undefined;
  let chunks: AsyncIterator<Buffer> | undefined;
  let closed = false;
  let endPendingRead: (() => void) | undefined; // set while a read of the stream is pending
  let buffer: Buffer = Buffer.alloc(0);
  let position = 0; // start of the unconsumed part of buffer
  const carry: Buffer[] = []; // the start of a line that did not end in earlier reads
  let carryBytes = 0;
  const ahead: Buffer[] = []; // read from the stream, not yet in buffer
  let aheadBytes = 0;
  let pumping = false;
  let streamEnded = false; // the stream has no more: what is left is in buffer and ahead
  let streamError: { error: unknown } | undefined;
  let arrived: (() => void) | undefined; // wakes a take waiting for the read-ahead
  let ended = false; // nothing left to read into buffer
  let endCount: number | undefined; // inputs left once the stream has ended
  let nextLine = 1;
  let markEndSeen!: () => void;
  const endSeen = new Promise<void>((resolve) => (markEndSeen = resolve));
  let far = readAhead; // the bound once the end is sought
  let limit = Math.min(readAhead, NEAR_READ_AHEAD_BYTES);

  const nextChunk = async (): Promise<IteratorResult<Buffer>> => {
    if (!chunks) {
      const opened = await open();
      if (closed) {
        opened.destroy();
        return THE_END;
      }
      stream = opened;
      // a regular file is counted by a read of its own (inputCounter): reading it far ahead would only cost memory
      if (file !== undefined && opened instanceof ReadStream) {
        far = Math.min(far, READ_SIZE);
        limit = Math.min(limit, far);
      }
      chunks = opened[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    }
    return chunks.next();
  };

  const readChunk = (): Promise<IteratorResult<Buffer>> =>
    // close() ends a pending read at once, without waiting for the stream (or for a FIFO's
    // writer); the stream then fails that read (ERR_STREAM_PREMATURE_CLOSE), which is no error
    new Promise<IteratorResult<Buffer>>((resolve, reject) => {
      endPendingRead = () => resolve(THE_END);
      nextChunk().then(resolve, (error: unknown) => (closed ? resolve(THE_END) : reject(error)));
    }).finally(() => (endPendingRead = undefined));

  const wake = (): void => {
    const resolve = arrived;
    arrived = undefined;
    resolve?.();
  };

  /** Reads ahead while there is room; one pump at a time, started again as takes make room. */
  const pump = async (): Promise<void> => {
    if (pumping || streamEnded || closed) return;
    pumping = true;
    try {
      while (!closed && aheadBytes < limit) {
        const next = await readChunk();
        if (closed || next.done) {
          streamEnded = true;
          if (!closed) {
            endCount = countLeft();
            markEndSeen();
          }
          break;
        }
        ahead.push(next.value);
        aheadBytes += next.value.length;
        wake();
      }
    } catch (error) {
      // named, as a file that cannot be opened is (was: `prun: EIO: i/o error, read`, no file said)
      streamError = { error: inputReadError(error, file) };
      streamEnded = true;
    } finally {
      pumping = false;
      wake();
    }
  };

  /** Moves the next chunk read ahead into buffer; false at the end of the stream. */
  const readMore = async (): Promise<boolean> => {
    while (ahead.length === 0 && !streamEnded && !closed) {
      const waiting = new Promise<void>((resolve) => (arrived = resolve));
      void pump();
      await waiting;
    }
    if (closed || ahead.length === 0) {
      ended = true;
      if (streamError && !closed) throw streamError.error;
      return false;
    }
    if (position < buffer.length) {
      carry.push(buffer.subarray(position));
      carryBytes += buffer.length - position;
    }
    buffer = ahead.shift()!;
    aheadBytes -= buffer.length;
    position = 0;
    void pump();
    return true;
  };

  /** Lines read and ended, not yet taken: a line begun in one chunk ends in a later one. */
  const endedLinesHeld = (): number => {
    let count = countSeparators(buffer, position, separator);
    for (const chunk of ahead) count += countSeparators(chunk, 0, separator);
    return count;
  };

  /** Lines not yet taken, once the stream has ended: all of them are in memory then. */
  const countLeft = (): number => {
    const lastChunk = ahead.findLast((chunk) => chunk.length > 0);
    const last = lastChunk ? lastChunk.at(-1) : position < buffer.length ? buffer.at(-1) : carry.at(-1)?.at(-1);
    // the last line has no separator
    return endedLinesHeld() + (last !== undefined && last !== separator ? 1 : 0);
  };

  const slice = (bytes: Uint8Array, count: number): Slice => {
    const origin = file === undefined ? undefined : { file, line: nextLine };
    nextLine += count;
    if (endCount !== undefined) endCount -= count;
    return { payload: bytes, separator, count, origin };
  };

  return {
    async take(max, maxBytes) {
      for (;;) {
        if (closed) return null;
        // whole lines in the current buffer, up to max and about maxBytes
        let end = position;
        let count = 0;
        while (count < max && end - position < maxBytes) {
          const newline = buffer.indexOf(separator, end);
          if (newline === -1) break;
          end = newline + 1;
          count++;
        }
        if (count > 0) {
          // a copy with its own memory: a view would send the whole read buffer to the worker
          const bytes = joinCarry(buffer.subarray(position, end));
          position = end;
          return slice(bytes, count);
        }
        // a line not ended yet that is already too long: refused before it fills memory
        if (carryBytes + buffer.length - position > maxLineBytes) throw tooLong();
        if (ended) {
          if (position === buffer.length && carry.length === 0) return null;
          // the last line has no newline
          const bytes = joinCarry(buffer.subarray(position));
          position = buffer.length;
          return slice(bytes, 1);
        }
        await readMore();
      }
    },
    remaining() {
      return endCount;
    },
    heldInputs() {
      return endCount ?? endedLinesHeld();
    },
    endSeen: () => endSeen,
    prefetch() {
      void pump();
    },
    seekEnd() {
      if (closed || limit === far) return;
      limit = far;
      // a stream not yet opened is not opened before its turn: the first take starts the pump
      if (chunks) void pump();
    },
    close() {
      if (closed) return;
      closed = true;
      ended = true;
      ahead.length = 0;
      aheadBytes = 0;
      endPendingRead?.();
      wake();
      stream?.destroy();
    },
  };

  function tooLong(): PrunError {
    const where = file === undefined ? `stdin, line ${nextLine}` : `${file}:${nextLine}`;
    return new PrunError('ERR_INPUT', `${where}: a line of more than ${maxLineBytes} bytes, longer than an input can be`);
  }

  function joinCarry(tail: Buffer): Uint8Array {
    if (carry.length === 0) return new Uint8Array(tail);
    const joined = Buffer.concat([...carry, tail]);
    carry.length = 0;
    carryBytes = 0;
    return new Uint8Array(joined.buffer, joined.byteOffset, joined.byteLength);
  }
}

function countSeparators(buffer: Buffer, from: number, separator: Separator): number {
  let count = 0;
  let position = buffer.indexOf(separator, from);
  while (position !== -1) {
    count++;
    position = buffer.indexOf(separator, position + 1);
  }
  return count;
}

export function fileLineSource(path: string, separator: Separator = NEWLINE): InputSource {
  // a regular file only: a second reader of a pipe or FIFO would take lines from the run
  const countable = async (): Promise<boolean> => (await stat(argumentPath(path))).isFile();
  return {
    ...lineSource(() => openReadable(path, READ_SIZE), path, separator),
    countable,
    countAhead: async () => ((await countable()) ? countLines([path], separator) : undefined),
  };
}

export function stdinLineSource(separator: Separator = NEWLINE): InputSource {
  // stdin that is a file (`< FILE`) is counted by the CLI's counter, as a named file is
  return { ...lineSource(() => process.stdin, undefined, separator), countable: () => Promise.resolve(isRegularFile(0)) };
}
