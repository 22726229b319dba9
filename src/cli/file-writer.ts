import { writeSync } from 'node:fs';
import { Writable } from 'node:stream';

/**
 * A stream that writes to `fd` at once, as Node's own stdout does on a file or device (no trip
 * to the thread pool), and all of each chunk (writeWhole, or the `write` given): its callback
 * says the whole chunk is out, or fails. Node's stdout on a file takes a short write for a whole one
 * (SyncWriteStream ignores what writeSync returns), so `--joblog` logged the rows of results
 * a full disk had cut off.
 */
export function fileWriter(fd: number, write: (fd: number, chunk: Uint8Array) => void = writeWhole): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      try {
        write(fd, chunk);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

/**
 * Writes all of `chunk`, or throws: a write the disk cuts short (a full disk writes what fits,
 * then fails the rest with ENOSPC) is carried on, so that it meets the failure. `onWritten`
 * hears of every part that went, including those before a failure.
 */
export function writeWhole(fd: number, chunk: Uint8Array, onWritten?: (bytes: number) => void): void {
  for (let offset = 0; offset < chunk.length; ) {
    const written = writeSync(fd, chunk, offset);
    offset += written;
    onWritten?.(written);
  }
}
