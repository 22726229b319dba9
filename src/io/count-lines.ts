import { createReadStream } from 'node:fs';
import { NEWLINE, type Separator } from '../model/payload.js';
import { argumentPath } from '../model/byte-string.js';

/**
 * How many inputs the files hold, counted by a separate read, so that a progress bar can
 * show a total long before the inputs themselves have all been read. Counts a last line
 * without a newline (or NUL), as the reader does. Regular files only: a second reader of a
 * pipe or FIFO would take lines from the run (the caller checks, see inputCounter).
 */
export async function countLines(paths: readonly string[], separator: Separator = NEWLINE): Promise<number> {
  let total = 0;
  for (const path of paths) {
    let last: number = separator;
    for await (const chunk of createReadStream(argumentPath(path), { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      for (let at = chunk.indexOf(separator); at !== -1; at = chunk.indexOf(separator, at + 1)) total++;
      if (chunk.length > 0) last = chunk[chunk.length - 1]!;
    }
    if (last !== separator) total++;
  }
  return total;
}
