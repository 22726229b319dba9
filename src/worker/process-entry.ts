import { blockingWrites } from '../runtime/blocking-writes.js';
import { toErrorData } from '../runtime/error-data.js';
import { descendantsOf, signalEach } from '../runtime/process-tree.js';
import { BRAND, isToWorker } from '../runtime/protocol.js';
import { boundBufferGrowth } from '../runtime/heap-governor.js';
import { keepsHeapSmall } from '../runtime/heap-settings.js';
import { ownSignalListener, saidLastWords, speakLast } from './last-words.js';
import { runWorkerLoop } from './worker-loop.js';

process.setSourceMapsEnabled(true);
// stdout and stderr are sockets to the pool: a function's own fs.writeSync(1) (or 2) after a
// long console.log found the socket full and failed the input with EAGAIN (was)
for (const stream of [process.stdout, process.stderr]) blockingWrites(stream);
// a worker whose pool is gone has nobody to report to: it ends at once when it can. One busy in
// a loop never sees this: the pool's lifeline (runtime/group-lifeline.ts) ends it then. It leads
// its own process group, so the terminal's Ctrl-C never reaches it
process.on('disconnect', () => process.exit(0));
// what it started and that left its group (spawned detached, setsid) is out of the reach of
// the group's end: the worker ends it itself when it exits, and when its group is told to end
// (by the lifeline, prun being gone; when prun itself ends a worker, it reads the tree first)
const endStrays = (): void => signalEach(descendantsOf(process.pid), 'SIGTERM');
process.on('exit', endStrays);
const onTerm = ownSignalListener(() => {
  process.off('SIGTERM', onTerm);
  endStrays();
  // then dies of the signal, as it would have, unless the user's code listens for it too
  if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
});
process.on('SIGTERM', onTerm);
// an exception nothing caught ends the worker, as it would (exit code 1), but says why to the
// pool in one line, as a thread's does, instead of Node's stack and source on stderr. Unless
// the user's code listens for these itself: then it is the user's to handle
process.on('uncaughtException', (error) => {
  if (process.listenerCount('uncaughtException') > 1) return;
  const exit = () => exitOnceWritten(1);
  if (!process.connected) exit();
  // said here, in the context of the code that threw (whose it was: worker-loop.ts), not at the
  // exit, which waits for the message to be written while the worker's code runs on
  speakLast();
  process.send!({ brand: BRAND, type: 'crashed', error: toErrorData(error) }, undefined, undefined, exit);
});
runWorkerLoop({
  // nothing after the last words: what its code settles meanwhile is lost with it
  post: (message) => void (saidLastWords() || process.send!(message)),
  // the callback comes once the message is written to the pipe: then a death cannot lose it.
  // Sent outside the promise, so that a value the message cannot carry throws to the caller,
  // which fails that input (report-queue.ts); was: a rejection, and the worker died of it
  postOut: (message) => {
    if (saidLastWords()) return;
    let written!: () => void;
    const out = new Promise<void>((resolve) => (written = resolve));
    process.send!(message, undefined, undefined, () => written());
    return out;
  },
  // a message without the brand is the user's own IPC, not ours
  onMessage: (handler) => process.on('message', (message) => isToWorker(message) && handler(message)),
  configure: (config) => {
    // its semi-spaces are capped from its start (runtime/heap-settings.ts)
    if (keepsHeapSmall(config.concurrency)) boundBufferGrowth();
  },
  exit: exitOnceWritten,
});

/**
 * Exits once what the user's code printed has left this process. Its stdout and stderr are
 * sockets to the pool, blocking (above) so that writes are synchronous; should libuv not have
 * made one so, its writes queue once the kernel's buffer is full, and process.exit() would
 * drop what is still queued: the last lines a function or teardown() printed.
 */
function exitOnceWritten(code: number): void {
  void Promise.all([process.stdout, process.stderr].map(written)).then(() => process.exit(code));
}

/** Settles once what was written to `stream` is out (or can never be: the pool is gone). */
function written(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed) return Promise.resolve();
  // a write's callback comes after those written before it
  return new Promise((resolve) => stream.write('', () => resolve()));
}
