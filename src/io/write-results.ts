import type { Writable } from 'node:stream';
import { type Delivery, discard, type FinalFailure } from '../engine/delivery.js';
import { fileChunks } from './file-chunks.js';

export interface WriteOptions {
  /** Failed inputs as {"index","input","error"} lines on stdout too. */
  json: boolean;
  /** How the deliveries' text becomes bytes. */
  encoding: 'utf8' | 'latin1';
  /** Told of each input that failed for good. */
  onFailure(failure: FinalFailure): void;
}

/** Raised when the reader of stdout has gone away (`| head`). */
export class BrokenPipe extends Error {
  constructor() {
    super('stdout was closed');
    this.name = 'BrokenPipe';
  }
}

/**
 * Writes deliveries to stdout as they come, one write a delivery, waiting for `drain` when
 * the stream says its buffer is full: a slow reader slows the pull, and the pull slows the
 * pipeline's reading of input.
 */
export async function writeResults(deliveries: AsyncIterable<Delivery>, out: Writable, options: WriteOptions): Promise<void> {
  let broken = false;
  let wake: (() => void) | undefined;
  const onError = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    broken = true;
    wake?.();
  };
  const write = async (chunk: string | Uint8Array): Promise<void> => {
    if (broken) throw new BrokenPipe();
    if (out.write(chunk, options.encoding)) return;
    await new Promise<void>((resolve) => {
      wake = resolve;
      out.once('drain', resolve);
    });
    wake = undefined;
    if (broken) throw new BrokenPipe();
  };
  out.on('error', onError);
  try {
    for await (const delivery of deliveries) {
      if (broken) {
        discard(delivery);
        throw new BrokenPipe();
      }
      if (delivery.type === 'file') {
        // streamed, a chunk at a time, never whole in memory; the file is freed whatever happens
        try {
          for await (const chunk of fileChunks(delivery.file)) await write(chunk);
        } finally {
          delivery.file.close();
        }
        continue;
      }
      const text = textOf(delivery, options);
      if (text !== '') await write(text);
    }
    if (broken) throw new BrokenPipe();
  } finally {
    out.off('error', onError);
    // a write that fails after we stopped listening must not crash the process
    if (broken) out.on('error', () => {});
  }
}

function textOf(delivery: Delivery, options: WriteOptions): string {
  switch (delivery.type) {
    case 'text':
      return delivery.text;
    case 'values':
      return delivery.values.map((value) => `${JSON.stringify(value)}\n`).join('');
    case 'failure': {
      const { failure } = delivery;
      options.onFailure(failure);
      return options.json ? `${JSON.stringify({ index: failure.index, input: failure.input, error: failure.error.message })}\n` : '';
    }
    case 'skipped':
      return '';
    case 'file': // written apart, streamed
      return '';
  }
}
