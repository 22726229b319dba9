import { fstatSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

/**
 * Makes a stdio stream's descriptor blocking (libuv's blocking mode), when it is a pipe or a
 * socket, which Node makes non-blocking. A user's own `fs.writeSync` to that descriptor then
 * waits for the reader, as it would on a terminal or a file, instead of failing with EAGAIN
 * once the pipe is full (after a long console.log, say); the stream's own writes become
 * synchronous too. A file or a terminal has no such handle and is left as it is.
 */
export function blockingWrites(stream: NodeJS.WriteStream): void {
  handleOf(stream)?.setBlocking?.(true);
}

/**
 * Gives this process's stdout and stderr back the non-blocking mode Node gave them, when they
 * are pipes; to be called right after spawning a child that inherits either. libuv clears
 * O_NONBLOCK on every descriptor a child inherits, and the child's descriptor shares its open
 * file description with ours: after esbuild's service (a script's first compile) or a shell
 * lane started, each with stderr inherited, a write of prun's to a stderr nobody read parked
 * its main thread in write(2), deaf to every signal (was: `2> fifo` left unread kept prun past
 * three Ctrl-Cs and two SIGTERMs). Pipes only, as Node had them: not a socket, which a relay
 * of the results may share (cli/stdout-takeover.ts) and write to as blocking. Not in a worker
 * thread: its stdio is no descriptor.
 */
export function nonBlockingStdio(): void {
  if (!isMainThread) return;
  for (const stream of [process.stdout, process.stderr]) if (isPipe(stream.fd)) handleOf(stream)?.setBlocking?.(false);
}

function isPipe(fd: number): boolean {
  try {
    return fstatSync(fd).isFIFO();
  } catch {
    return false;
  }
}

function handleOf(stream: NodeJS.WriteStream): { setBlocking?: (blocking: boolean) => number } | undefined {
  return (stream as unknown as { _handle?: { setBlocking?: (blocking: boolean) => number } })._handle;
}
