import type { Readable } from 'node:stream';

/**
 * Passes a worker's output to ours a whole line at a time, so that a line one worker writes
 * in pieces is never split by another's; what is left without a newline goes at the end.
 */
export function relayLines(from: Readable, write: (text: string) => void): void {
  let partial = '';
  from.setEncoding('utf8');
  from.on('data', (chunk: string) => {
    const text = partial + chunk;
    const end = text.lastIndexOf('\n') + 1;
    partial = text.slice(end);
    if (end > 0) write(text.slice(0, end));
  });
  from.on('end', () => {
    if (partial) write(partial);
    partial = '';
  });
}
