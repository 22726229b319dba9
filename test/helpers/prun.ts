import { execa, type Options, type ResultPromise } from 'execa';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const bin = `${root}bin/prun.js`;

/** Runs the built CLI as a user would, from the project root, never throwing on a non-zero exit. */
export function prun(args: readonly string[], options: Options = {}): ResultPromise<{ reject: false }> {
  return execa(bin, args, { cwd: root, reject: false, stdin: 'ignore', ...options }) as ResultPromise<{ reject: false }>;
}

export function lines(text: unknown): string[] {
  const string = String(text);
  return string === '' ? [] : string.split('\n');
}

export const runtimes = ['--procs', '--threads'] as const;
