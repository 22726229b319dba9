import type { Readable } from 'node:stream';
import { NEWLINE, type Separator } from '../runtime/protocol.js';
import type { InputSource, Slice } from './input-source.js';
import { openReadable } from './open-readable.js';

const READ_SIZE = 1 << 18;

const THE_END: IteratorResult<Buffer> = { done: true, value: undefined };

/**
 * Lines of one stream (or NUL-ended inputs), handed out as raw bytes: the main thread finds
 * line ends but never decodes or copies a line on its own; the worker splits them. A line
 * longer than a read is gathered in parts and joined once, so a line of tens of MB costs
 * one copy, not many. The stream is opened at the first take, so that a file is never
 * opened before its turn. Closing is the end of the input, even for a take waiting on a
 * writer that never comes: it resolves as the end rather than failing with the stream.
 */
export function lineSource(open: () => Readable | Promise<Readable>, file: string | undefined, separator: Separator = NEWLINE): InputSource {
  let stream: Readable | undefined;
  let chunks: AsyncIterator<Buffer> | undefined;
  let closed = false;
  let endPendingRead: (() => void) | undefined; // set while a read is pending
  let buffer: Buffer = Buffer.alloc(0);
  let position = 0; // start of the unconsumed part of buffer
  const carry: Buffer[] = []; // the start of a line that did not end in earlier reads
  let ended = false;
  let endCount: number | undefined; // inputs left once the stream has ended
  let nextLine = 1;

  const nextChunk = async (): Promise<IteratorResult<Buffer>> => {
    if (!chunks) {
      const opened = await open();
      if (closed) {
        opened.destroy();
        return THE_END;
      }
      stream = opened;
      chunks = opened[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    }
    return chunks.next();
  };

  const readMore = async (): Promise<boolean> => {
    // close() ends a pending read at once, without waiting for the stream (or for a FIFO's
    // writer); the stream then fails that read (ERR_STREAM_PREMATURE_CLOSE), which is no error
    const next = await new Promise<IteratorResult<Buffer>>((resolve, reject) => {
      endPendingRead = () => resolve(THE_END);
      nextChunk().then(resolve, (error: unknown) => (closed ? resolve(THE_END) : reject(error)));
    });
    endPendingRead = undefined;
    if (closed || next.done) {
      ended = true;
      return false;
    }
    if (position < buffer.length) carry.push(buffer.subarray(position));
    buffer = next.value;
    position = 0;
    return true;
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
        if (ended) {
          if (position === buffer.length && carry.length === 0) return null;
          // the last line has no newline
          const bytes = joinCarry(buffer.subarray(position));
          position = buffer.length;
          return slice(bytes, 1);
        }
        if (!(await readMore())) endCount = countLines(buffer, position, carry.length > 0, separator);
      }
    },
    remaining() {
      return endCount;
    },
    close() {
      if (closed) return;
      closed = true;
      ended = true;
      endPendingRead?.();
      stream?.destroy();
    },
  };

  function joinCarry(tail: Buffer): Uint8Array {
    if (carry.length === 0) return new Uint8Array(tail);
    const joined = Buffer.concat([...carry, tail]);
    carry.length = 0;
    return new Uint8Array(joined.buffer, joined.byteOffset, joined.byteLength);
  }
}

/** Lines left in a buffer at the end of a stream, counting an unfinished last one. */
function countLines(buffer: Buffer, from: number, carried: boolean, separator: Separator): number {
  let count = 0;
  let position = from;
  for (;;) {
    const newline = buffer.indexOf(separator, position);
    if (newline === -1) break;
    count++;
    position = newline + 1;
  }
  return position < buffer.length || (carried && count === 0) ? count + 1 : count;
}

export function fileLineSource(path: string, separator: Separator = NEWLINE): InputSource {
  return lineSource(() => openReadable(path, READ_SIZE), path, separator);
}

export function stdinLineSource(separator: Separator = NEWLINE): InputSource {
  return lineSource(() => process.stdin, undefined, separator);
}
