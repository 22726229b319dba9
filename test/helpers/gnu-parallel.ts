import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

let present = false;

/**
 * Runs GNU parallel -k (the reference the exec tests compare against) in `cwd`, with nothing
 * from the user's own configuration, and fails with how to install it when it is missing.
 */
export function gnuParallel(args: readonly string[], options: { cwd: string; input?: string }): string {
  if (!present) {
    try {
      execFileSync('parallel', ['--version'], { stdio: 'ignore' });
    } catch {
      throw new Error(
        'GNU parallel is not on PATH; the exec tests compare prun with it. ' +
          'Install it (apt-get install -y parallel, or brew install parallel) and rerun; CI (.ci/run) does.',
      );
    }
    present = true;
  }
  return execFileSync('parallel', ['--will-cite', '-k', ...args], {
    cwd: options.cwd,
    input: options.input ?? '',
    encoding: 'utf8',
    // PARALLEL_SHELL pins the shell prun uses too
    env: { ...process.env, PARALLEL: '', PARALLEL_SHELL: '/bin/sh', PARALLEL_HOME: join(options.cwd, '.parallel') },
  });
}

/** GNU parallel's exit status on `args` (-k, as gnuParallel runs it), whatever it is. */
export function gnuParallelStatus(args: readonly string[], options: { cwd: string }): number {
  return gnuParallelRun(args, options).status;
}

/** GNU parallel on `args` (-k, as gnuParallel runs it): its stdout, stderr and exit status, whatever they are. */
export function gnuParallelRun(args: readonly string[], options: { cwd: string }): { stdout: string; stderr: string; status: number } {
  const result = spawnSync('parallel', ['--will-cite', '-k', ...args], {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, PARALLEL: '', PARALLEL_SHELL: '/bin/sh', PARALLEL_HOME: join(options.cwd, '.parallel') },
  });
  if (result.error) throw result.error;
  return { stdout: result.stdout, stderr: result.stderr, status: result.status! };
}
