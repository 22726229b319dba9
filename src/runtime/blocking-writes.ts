import { fdStats } from '../system/sync-stat.js';
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
 * Gives this process's stderr back the non-blocking mode Node gave it, when it is a pipe or a
 * socket; to be called right after spawning a child that inherits it. libuv clears O_NONBLOCK
 * on every descriptor a child inherits, and the child's descriptor shares its open file
 * description with ours: after esbuild's service (a script's first compile) or a shell lane
 * started, each with stderr inherited, a write of prun's to a stderr nobody read parked its
 * main thread in write(2), deaf to every signal (was: `2> fifo` left unread kept prun past three
 * Ctrl-Cs and two SIGTERMs; the same with the socket a Node parent's 'pipe' gives). No relay
 * of prun's shares a socket with stderr (cli/stdout-takeover.ts, throughStderr). Not
 * stdout: no such child inherits it, and asking for process.stdout would make Node set a
 * pipe's description non-blocking for every other writer of the pipe (cli/stdout-takeover.ts,
 * ownStdoutPipe). Not in a worker thread: its stdio is no descriptor.
 */
export function nonBlockingStderr(): void {
  if (!isMainThread) return;
  if (isPipeOrSocket(process.stderr.fd)) handleOf(process.stderr)?.setBlocking?.(false);
}

function isPipeOrSocket(fd: number): boolean {
  try {
    const stats = fdStats(fd);
    return stats.isFIFO() || stats.isSocket();
  } catch {
    return false;
  }
}

function handleOf(stream: NodeJS.WriteStream): { setBlocking?: (blocking: boolean) => number } | undefined {
  return (stream as unknown as { _handle?: { setBlocking?: (blocking: boolean) => number } })._handle;
}
