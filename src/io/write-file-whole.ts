import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';

/**
 * Writes `data` to `path` under another name first, then renames it into place: whoever
 * reads `path` (another prun loading a cached module) sees all of it or none. A write that
 * fails (a full disk) leaves nothing of itself behind: a partial file would stay for ever.
 */
export async function writeFileWhole(path: string, data: string): Promise<void> {
  const partial = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
  try {
    await writeFile(partial, data);
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/**
 * Writes a new file that only prun reads, and only once it is written: whole, or not at all.
 * A write that fails (a full disk) removes what it wrote, so that nothing runs on a cut-short
 * file (a job's command, a --pipe block), and throws.
 */
export function writeNewFileOrNone(path: string, data: string | Uint8Array, encoding?: BufferEncoding): void {
  try {
    writeFileSync(path, data, encoding);
  } catch (error) {
    rmSync(path, { force: true });
    throw error;
  }
}
