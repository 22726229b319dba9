import { getSystemErrorMap } from 'node:util';

/**
 * What a failed system call says, as strerror(3) would ("no space left on device"): Node's
 * own messages differ by the kind of stream ("ENOSPC: no space left on device, write" from
 * a file, "write ENOSPC" from a pipe).
 */
export function describeSystemError(error: NodeJS.ErrnoException): string {
  const known = error.errno === undefined ? undefined : getSystemErrorMap().get(error.errno);
  return known?.[1] ?? error.code ?? error.message;
}

/**
 * Whether a write failed because its reader went: EPIPE, or ECONNRESET from a Unix socket whose
 * reader closed it with data unread (Linux then fails the next write so; was: exit 74, "cannot
 * write results: connection reset by peer", for a reader that left as `| head` does).
 */
export function readerGone(error: NodeJS.ErrnoException): boolean {
  return error.code === 'EPIPE' || error.code === 'ECONNRESET';
}
