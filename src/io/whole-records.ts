import { ftruncateSync, readSync, writeSync } from 'node:fs';
import { fdStats } from '../system/sync-stat.js';

/**
 * Files that prun appends records to while it runs (the --joblog, --failed-out): written
 * straight to the descriptor, so that a crash of prun loses nothing written, and never left
 * with a record cut short, which the next record would be glued to.
 */

/** The offset just past the last `terminator` of the file's first `size` bytes: the end of its last whole record. */
export function endOfLastRecord(fd: number, size: number, terminator: number): number {
  const CHUNK = 1 << 16;
  const buffer = Buffer.alloc(CHUNK);
  for (let end = size; end > 0; end -= CHUNK) {
    const start = Math.max(0, end - CHUNK);
    const got = readSync(fd, buffer, 0, end - start, start);
    const last = buffer.subarray(0, got).lastIndexOf(terminator);
    if (last >= 0) return start + last + 1;
  }
  return 0;
}

/**
 * Appends `bytes` with as many writes as it takes. A write that fails (a full disk) is taken
 * back to where this one began, and its error thrown: the file ends with its last whole record.
 */
export function appendWhole(fd: number, bytes: Uint8Array): void {
  let done = 0;
  try {
    while (done < bytes.length) done += writeSync(fd, bytes, done);
  } catch (error) {
    // a FIFO or a device cannot take back what it was given (was: EINVAL said for a reader gone)
    const stats = done > 0 ? fdStats(fd) : undefined;
    if (stats?.isFile()) ftruncateSync(fd, stats.size - done);
    throw error;
  }
}
