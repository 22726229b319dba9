import { closeSync, constants, createReadStream, open } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { argumentPath } from '../model/byte-string.js';

const openFd = promisify(open);

/**
 * A file's bytes as a stream, opened without ever blocking one of libuv's threadpool
 * threads. A FIFO whose writer has not come yet holds its opener in open(2), and a terminal
 * holds its reader in read(2), for as long as the writer or the user takes; no close can take
 * that thread back, and the process cannot even exit, since libuv joins its threads at exit.
 * So FIFOs (`<(...)` too) and terminals are opened O_NONBLOCK and read through the event loop,
 * as Node reads a pipe or a terminal on stdin. Linux holds back EPOLLHUP on a FIFO opened
 * this way until a writer has come (fs/pipe.c, fifo_open), so an early open does not read as
 * an empty input: the reader waits for the writer, as a blocking open would.
 */
export async function openReadable(name: string, highWaterMark: number): Promise<Readable> {
  const path = argumentPath(name);
  const info = await stat(path);
  if (!info.isFIFO() && !info.isCharacterDevice()) return createReadStream(path, { highWaterMark });
  const fd = await openFd(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  if (info.isFIFO()) {
    const { Socket } = await import('node:net');
    return new Socket({ fd, readable: true, writable: false });
  }
  const tty = await import('node:tty');
  if (tty.isatty(fd)) return new tty.ReadStream(fd);
  // another device (/dev/zero, /dev/urandom) never makes a reader wait
  closeSync(fd);
  return createReadStream(path, { highWaterMark });
}
