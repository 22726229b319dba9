/*
 * The relay of stdout that says what it wrote (src/cli/stdout-takeover.ts), a program of its
 * own: prun starts it with fd 1 the results' file or socket, its results on stdin and a pipe on
 * fd 3. As its chunks go out it writes on fd 3 how many bytes it has written in all, one decimal
 * number a line, so that prun logs a joblog row only for results that got out, not for results
 * still in the pipe when a full disk stopped the relay.
 *
 * SIGTERM is prun giving up on a socket's reader that does not read (a second Ctrl-C): the
 * relay says its count and ends, writing no more. What it still held would reach the reader
 * after prun, counted as never ran, with no row: --resume ran it again (was: 116 results got
 * out, 46 rows). The signal is heard between writes only: a write waiting on that reader is
 * ended by prun's SIGKILL, and what the socket took of it (a write is taken about 36 KiB at a
 * time) has no row, as for a write a pipe takes in part. The socket stays blocking, as it is
 * for every other writer of it (a relay that made it non-blocking made a sibling's writes fail
 * with EAGAIN), and each write whole in it before the reader sees it: a reader that leaves has
 * a row for every result it got.
 */
import { Socket } from 'node:net';
import { constants } from 'node:os';
import { describeSystemError, readerGone } from '../io/system-error.js';
import { writeWhole } from './file-writer.js';
import { EXIT } from './exit-codes.js';

const acks = new Socket({ fd: 3, readable: false, writable: true });
// prun is gone (killed): what it sent still goes to the file, as `cat` would write it
acks.on('error', () => {});
let total = 0;
let stopping = false;

/** Says the last count, then exits: prun reads it before the relay is gone. */
function leave(code: number): Promise<never> {
  return new Promise(() => acks.end(`${total}\n`, () => process.exit(code)));
}

process.once('SIGTERM', () => {
  stopping = true;
  void leave(128 + constants.signals.SIGTERM);
});
try {
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    if (stopping) break;
    // counted as it goes: what went before a failure is known
    writeWhole(1, chunk, (bytes) => (total += bytes));
    acks.write(`${total}\n`);
  }
} catch (error) {
  if (!readerGone(error as NodeJS.ErrnoException)) {
    // prun says why in its own words: `cannot write results: no space left on device`
    process.stderr.write(`prun relay: write error: ${describeSystemError(error as NodeJS.ErrnoException)}\n`);
    process.exit(1);
  }
  // a socket's reader went. What it took of the chunk it cut short is said too: the whole results
  // in it got out, and get rows (was: none, so --resume ran 1,000-3,000 of them again). Said as
  // `cat` says it, by dying of SIGPIPE, which Node ignores: 141 then
  await leave(EXIT.brokenPipe);
}
if (!stopping) acks.end();
