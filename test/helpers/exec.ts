// What the prun exec tests share: running prun and GNU parallel side by side in a test
// file's folder, reading a joblog's start order, and watching the pids jobs record.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { assertGoneWithin } from './accounting.js';
import { joblogRows } from './files.js';
import { gnuParallel } from './gnu-parallel.js';
import { lines, prun } from './prun.js';

/** prun with `input` on its stdin. */
export function prunWithStdin(args: string[], input: string) {
  return prun(args, { stdin: 'pipe', input });
}

/** Comparisons with GNU parallel, both run in `dir` (where the tests' files are). */
export function besideGnuParallel(dir: string) {
  /** GNU parallel, keeping input order, in the tests' folder. */
  function gnuParallelHere(args: string[], input = ''): string {
    return gnuParallel(args, { cwd: dir, input });
  }

  /** `prun exec -k ARGS` in the tests' folder, `input` on its stdin: exit 0, and GNU parallel's stdout. */
  async function assertAsGnuParallel(args: string[], input = '', label = args.join(' ')): Promise<void> {
    const result = await prun(['exec', '-k', ...args], { cwd: dir, stdin: 'pipe', input });
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, gnuParallelHere(args, input).trimEnd(), label);
  }

  return { gnuParallelHere, assertAsGnuParallel };
}

/**
 * The inputs of a joblog in the order prun started them, by its Starttime column. Not the order
 * in which the jobs' own shells got going: under load a job's shell can take longer to start than
 * --delay, and a job that wrote its input first had not been started first (a CI failure).
 */
export async function inputsByStartTime(joblog: string): Promise<string[]> {
  return (await joblogRows(joblog)).sort((a, b) => Number(a[2]) - Number(b[2])).map((row) => row.at(-1)!);
}

/** What `seq 1 N` prints, each line starting with `prefix`. */
export function seq(count: number, prefix = ''): string {
  return Array.from({ length: count }, (_, i) => `${prefix}${i + 1}\n`).join('');
}

export function shellQuoteArg(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** Resolves once every process the file lists has ended; fails if one is left after `withinMs`. */
export async function waitUntilGone(pidFile: string, withinMs = Number.POSITIVE_INFINITY): Promise<void> {
  const pids = lines((await readFile(pidFile, 'utf8')).trim()).map(Number);
  assert.ok(pids.length > 0, 'no pid was recorded');
  await assertGoneWithin(pids, withinMs);
}

/** Every process whose pid the file lists has ended already. */
export function assertGone(pidFile: string): Promise<void> {
  return waitUntilGone(pidFile, 0);
}

/**
 * Resolves once the file lists `count` pids: the jobs write it when they have started, since
 * what they print reaches prun only when they end.
 */
export async function waitForPids(pidFile: string, count: number): Promise<void> {
  for (;;) {
    const text = await readFile(pidFile, 'utf8').catch(() => '');
    if (lines(text.trim()).length >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
