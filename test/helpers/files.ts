import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Resolves once `done` holds for the lines of the file (none while it does not exist): for
 * a fixture that records what it did in a file (a command's stderr is relayed only when it
 * ends).
 */
export async function waitForFile(path: string, done: (lines: string[]) => boolean): Promise<void> {
  for (;;) {
    const text = await readFile(path, 'utf8').catch(() => '');
    if (done(text.split('\n').filter((line) => line !== ''))) return;
    await delay(10);
  }
}

/**
 * A scratch folder for the test file that calls this (at its top level): made at once, and
 * removed with all it holds once the file's tests are done.
 */
export function scratchDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `prun-${name}-test-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
