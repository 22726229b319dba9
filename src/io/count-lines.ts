import { createReadStream } from 'node:fs';

/**
 * How many inputs the files hold, counted by a separate read, so that a progress bar can
 * show a total long before the inputs themselves have all been read. Counts a last line
 * without a newline, as the reader does.
 */
export async function countLines(paths: readonly string[]): Promise<number> {
  let total = 0;
  for (const path of paths) {
    let last = 10;
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) total++;
      if (chunk.length > 0) last = chunk[chunk.length - 1]!;
    }
    if (last !== 10) total++;
  }
  return total;
}
