import { writeSync } from 'node:fs';
import { Socket } from 'node:net';

/** Writes to a socket that never block the writer, counted to the byte (stdout-relay.ts). */
export interface SocketWrites {
  /** Writes all of `chunk`; `onWritten` hears of every part the socket took, those before a failure included. */
  write(chunk: Uint8Array, onWritten: (bytes: number) => void): Promise<void>;
  /** No more writes: the part of a wait under way that the socket took is counted to `onWritten`. */
  stop(onWritten: (bytes: number) => void): void;
  /** Gives the socket back the blocking mode it had, for whoever writes to it after us. */
  release(): void;
}

interface StreamHandle {
  writeQueueSize: number;
  setBlocking?: (blocking: boolean) => number;
}

/**
 * Writes to socket `fd` with write(2) on a non-blocking descriptor, which says exactly what the
 * socket took, and when it is full (EAGAIN) hands libuv the next byte alone: libuv writes it
 * once the socket takes more, and its callback wakes the writer. A blocking write(2) could be
 * neither interrupted nor counted before it returned; libuv's own writes are counted only whole
 * (what it wrote of a write that fails is gone from its count before the callback).
 */
export function socketWrites(fd: number): SocketWrites {
  // libuv's handle makes the descriptor non-blocking, and is what waits for room
  const socket = new Socket({ fd, readable: false, writable: true });
  socket.on('error', () => {}); // heard through the write's callback
  const handle = (socket as unknown as { _handle: StreamHandle })._handle;
  let waiting = false;
  const waitForRoom = (byte: Uint8Array): Promise<void> => {
    waiting = true;
    return new Promise((resolve, reject) =>
      socket.write(byte, (error) => {
        waiting = false;
        if (error) reject(error);
        else resolve();
      }),
    );
  };
  return {
    async write(chunk, onWritten) {
      for (let offset = 0; offset < chunk.length; ) {
        let written: number;
        try {
          written = writeSync(fd, chunk, offset);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
          await waitForRoom(chunk.subarray(offset, offset + 1));
          written = 1;
        }
        offset += written;
        onWritten(written);
      }
    },
    stop(onWritten) {
      // libuv counts the byte out of its queue when written, before it calls back
      if (waiting && handle.writeQueueSize === 0) onWritten(1);
    },
    release() {
      handle.setBlocking?.(true);
    },
  };
}
