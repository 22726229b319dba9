import { readFile } from 'node:fs/promises';
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
