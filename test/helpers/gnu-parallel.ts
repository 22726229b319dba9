import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * GNU parallel's home for every test: none of the user's configuration, and one folder for all
 * runs, as a user's ~/.parallel is. In a fresh one GNU parallel first finds out how many cores
 * the machine has (1.4 s of CPU here, against 0.45 s a run once that is kept): with a home an
 * example, the tutorial's examples cost twice their own time.
 */
const HOME = join(tmpdir(), 'prun-tests-parallel-home');

/** The environment GNU parallel runs in; PARALLEL_SHELL pins the shell prun uses too. */
export const GNU_PARALLEL_ENV = { PARALLEL: '', PARALLEL_SHELL: '/bin/sh', PARALLEL_HOME: HOME } as const;

let present = false;

/**
 * Fails with how to install GNU parallel when it is missing; otherwise has it keep what it
 * learns of the machine in its home, once, before runs side by side would each find it out.
 */
export function requireGnuParallel(): void {
  if (present) return;
  mkdirSync(HOME, { recursive: true });
  try {
    execFileSync('parallel', ['--will-cite', '--number-of-cores'], { stdio: 'ignore', env: { ...process.env, ...GNU_PARALLEL_ENV } });
  } catch {
    throw new Error(
      'GNU parallel is not on PATH; the exec tests compare prun with it. ' +
        'Install it (apt-get install -y parallel, or brew install parallel) and rerun; CI (.ci/run) does.',
    );
  }
  present = true;
}

/** Runs GNU parallel -k (the reference the exec tests compare against) in `cwd`: its stdout; it must exit 0. */
export function gnuParallel(args: readonly string[], options: { cwd: string; input?: string }): string {
  const { stdout, stderr, status } = gnuParallelRun(args, options);
  if (status !== 0) throw new Error(`GNU parallel ${args.join(' ')} exited ${status}: ${stderr}`);
  return stdout;
}

/** GNU parallel's exit status on `args` (-k, as gnuParallel runs it), whatever it is. */
export function gnuParallelStatus(args: readonly string[], options: { cwd: string }): number {
  return gnuParallelRun(args, options).status;
}

/** GNU parallel on `args` (-k, as gnuParallel runs it): its stdout, stderr and exit status, whatever they are. */
export function gnuParallelRun(args: readonly string[], options: { cwd: string; input?: string; env?: Record<string, string> }): { stdout: string; stderr: string; status: number } {
  requireGnuParallel();
  const result = spawnSync('parallel', ['--will-cite', '-k', ...args], {
    cwd: options.cwd,
    input: options.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, ...GNU_PARALLEL_ENV, ...options.env },
  });
  if (result.error) throw result.error;
  return { stdout: result.stdout, stderr: result.stderr, status: result.status! };
}
