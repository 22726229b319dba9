/*
 * The relay of stdout that says what it wrote (src/cli/stdout-takeover.ts), a program of its
 * own: prun starts it with fd 1 the results' file, its results on stdin and a pipe on fd 3.
 * After each chunk is whole in the file it writes on fd 3 how many bytes it has written in
 * all, one decimal number a line, so that prun logs a joblog row only for results that reached
 * the file, not for results still in the pipe when a full disk stopped the relay.
 */
import { Socket } from 'node:net';
import { describeSystemError } from '../io/system-error.js';
import { writeWhole } from './file-writer.js';
import { EXIT } from './exit-codes.js';

const acks = new Socket({ fd: 3, readable: false, writable: true });
// prun is gone (killed): what it sent still goes to the file, as `cat` would write it
acks.on('error', () => {});
let total = 0;
try {
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    // counted as it goes: what went before a failure is known
    writeWhole(1, chunk, (bytes) => (total += bytes));
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
  await new Promise<void>((resolve) => acks.end(`${total}\n`, () => resolve()));
  process.exit(EXIT.brokenPipe);
}
acks.end();
