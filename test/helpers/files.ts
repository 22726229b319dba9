import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Resolves once `done` holds for the lines of the file (none while it does not exist): for
 * a fixture that records what it did in a file (a command's stderr is relayed only when it
 * ends).
 */
export async function waitForFile(path: string, done: (lines: string[]) => boolean, ms = Number.POSITIVE_INFINITY): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const text = await readFile(path, 'utf8').catch(() => '');
    if (done(text.split('\n').filter((line) => line !== ''))) return;
    if (Date.now() > deadline) throw new Error(`${path} did not come to what was awaited within ${ms} ms`);
    await delay(10);
  }
}

/** The rows of a joblog, its header left out, each cut into its tab-separated columns. */
export async function joblogRows(path: string): Promise<string[][]> {
  return (await readFile(path, 'utf8')).trimEnd().split('\n').slice(1).map((row) => row.split('\t'));
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

/**
 * The name of the first entry of `folder` that starts with `prefix`, once there is one: a
 * fixture announces where it has come to. Bounded, so that a broken run fails rather than hangs.
 */
export async function waitForEntry(folder: string, prefix: string, ms = 30_000): Promise<string> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const found = (await readdir(folder)).find((name) => name.startsWith(prefix));
    if (found) return found;
    await delay(10);
  }
  throw new Error(`no ${prefix}* in ${folder} within ${ms} ms`);
}
