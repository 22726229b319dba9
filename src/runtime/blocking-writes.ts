/**
 * Makes a stdio stream's descriptor blocking (libuv's blocking mode), when it is a pipe or a
 * socket, which Node makes non-blocking. A user's own `fs.writeSync` to that descriptor then
 * waits for the reader, as it would on a terminal or a file, instead of failing with EAGAIN
 * once the pipe is full (after a long console.log, say); the stream's own writes become
 * synchronous too. A file or a terminal has no such handle and is left as it is.
 */
export function blockingWrites(stream: NodeJS.WriteStream): void {
  const handle = (stream as unknown as { _handle?: { setBlocking?: (blocking: boolean) => number } })._handle;
  handle?.setBlocking?.(true);
}
