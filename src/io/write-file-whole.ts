import { randomBytes } from 'node:crypto';
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
