/*
 * The relay of stdout that says what it wrote (src/cli/stdout-takeover.ts), a program of its
 * own: prun starts it with fd 1 the results' file or socket, its results on stdin and a pipe on
 * fd 3. As its chunks go out it writes on fd 3 how many bytes it has written in all, one decimal
 * number a line, so that prun logs a joblog row only for results that got out, not for results
 * still in the pipe when a full disk stopped the relay.
 *
 * SIGTERM is prun giving up on a socket's reader that does not read (a second Ctrl-C): the
 * relay says exactly what got out, and goes without writing more. What it still held would
 * reach the reader after prun, counted as never ran, with no row: --resume ran it again (was:
 * 116 results got out, 46 rows). So that it can hear the signal, and count to the byte what a
 * socket took, it never blocks on one (socket-writes.ts).
 */
import { fstatSync } from 'node:fs';
import { Socket } from 'node:net';
import { constants } from 'node:os';
import { describeSystemError } from '../io/system-error.js';
import { writeWhole } from './file-writer.js';
import { socketWrites } from './socket-writes.js';
import { EXIT } from './exit-codes.js';

const acks = new Socket({ fd: 3, readable: false, writable: true });
// prun is gone (killed): what it sent still goes to the file, as `cat` would write it
acks.on('error', () => {});
let total = 0;
const counted = (bytes: number): void => void (total += bytes);
const socket = fstatSync(1).isSocket() ? socketWrites(1) : undefined;

/** Says the last count, then exits; the socket is left blocking, as it was for the writers after us. */
function leave(code: number): void {
  socket?.release();
  acks.end(`${total}\n`, () => process.exit(code));
}

process.once('SIGTERM', () => {
  // bytes a pending wait handed the socket that it already took count too
  socket?.stop(counted);
  leave(128 + constants.signals.SIGTERM);
});

try {
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    // counted as it goes: what went before a failure is known
    if (socket) await socket.write(chunk, counted);
    else writeWhole(1, chunk, counted);
    acks.write(`${total}\n`);
  }
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== 'EPIPE') {
    // prun says why in its own words: `cannot write results: no space left on device`
    process.stderr.write(`prun relay: write error: ${describeSystemError(error as NodeJS.ErrnoException)}\n`);
    process.exit(1);
  }
  // a socket's reader went. What it took of the chunk it cut short is said too: the whole results
  // in it got out, and get rows (was: none, so --resume ran 1,000-3,000 of them again). Said as
  // `cat` says it, by dying of SIGPIPE, which Node ignores: 141 then
  leave(EXIT.brokenPipe);
}
if (!socket) acks.end();
else leave(0);
