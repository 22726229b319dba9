import { execa, type Options, type ResultPromise } from 'execa';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const bin = `${root}bin/prun.js`;

/**
 * No run of a test takes this long: one that does is hung, and is ended (SIGTERM) so that its
 * test fails and says so, rather than holding the whole suite until CI gives up on it (was: a
 * CI run stalled for an hour on one waiting prun).
 */
export const HUNG_MS = 120_000;

/** Runs the built CLI as a user would, from the project root, never throwing on a non-zero exit. */
export function prun(args: readonly string[], options: Options = {}): ResultPromise<{ reject: false }> {
  return execa(bin, args, { cwd: root, reject: false, stdin: 'ignore', timeout: HUNG_MS, ...options }) as ResultPromise<{ reject: false }>;
}

export function lines(text: unknown): string[] {
  const string = String(text);
  return string === '' ? [] : string.split('\n');
}

export const runtimes = ['--procs', '--threads'] as const;
