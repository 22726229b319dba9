import { readSync } from 'node:fs';
import { tagLines } from '../commands/job-output.js';
import { PrunError } from '../errors.js';
import { makeDirectory } from '../io/make-directory.js';
import { describeSystemError } from '../io/system-error.js';
import type { Executor, ExecutorRun } from '../model/executor.js';
import { Pool } from '../pool/pool.js';
import { withinOpenFiles } from '../runtime/open-files.js';
import type { LocalPoolOptions } from './run-pool.js';
import type { RunSpec } from './wire.js';

/** A script's run on this worker: the pool of `prun map`, with the run's options. */
export function workerPool(spec: RunSpec, local: LocalPoolOptions, modulePath: string): Executor {
  return new Pool({
    runtime: local.runtime,
    workers: withinOpenFiles(local.workers, local.runtime, local.notice),
    concurrency: local.concurrency,
    maxTasksPerWorker: undefined,
    memoryLimitMb: local.memoryLimitMb,
    timeoutMs: spec.timeoutMs,
    timings: spec.timings,
    modulePath: Promise.resolve(modulePath),
    scriptName: spec.scriptName,
    format: spec.format,
    notice: local.notice,
  });
}

/** A command's run on this worker: the shell lanes of `prun exec`, one per local job slot. */
export async function shellLanes(spec: RunSpec, local: LocalPoolOptions): Promise<Executor> {
  // execa is loaded only for commands, as for prun exec
  const [{ ShellExecutor }, { jobShell, laneShell }] = await Promise.all([import('../commands/shell-executor.js'), import('../commands/job-shell.js')]);
  // this machine's shell, chosen as a local prun exec chooses it (was: /bin/sh, so bash's
  // syntax and `export -f` functions failed through the queue where they ran locally)
  const shell = jobShell();
  // the folder of this machine, made here when missing as a local run makes it (was: the
  // lanes failed to start, 'spawn /bin/sh ENOENT', the folder not named; a review)
  if (spec.workdir !== undefined) makeWorkdir(spec.workdir);
  return new ShellExecutor({
    command: spec.command ?? '',
    shownCommand: spec.shownCommand,
    template: spec.template,
    showCommands: spec.showCommands,
    workdir: spec.workdir,
    delayMs: spec.delayMs,
    jobShell: shell,
    shell: laneShell(shell),
    jobs: local.workers * local.concurrency,
    timeoutMs: spec.timeoutMs,
    tag: spec.tag,
    timings: spec.timings,
    retries: spec.retries ?? 0,
    // a command's stderr stays on its worker machine, as with GNU parallel's --sshlogin it would not
    onStderr: (text) => void process.stderr.write(text, 'latin1'),
  });
}

/** A run as it can travel: a big output kept in a file here is read into its text. */
export function inline(run: ExecutorRun): ExecutorRun {
  const { file, ...rest } = run;
  if (!file) return run;
  try {
    const buffer = Buffer.allocUnsafe(file.bytes);
    let read = 0;
    while (read < file.bytes) {
      const n = readSync(file.fd, buffer, read, file.bytes - read, read);
      if (n === 0) break;
      read += n;
    }
    const text = buffer.toString('latin1', 0, read);
    return { ...rest, text: file.tag === undefined ? text : tagLines(text, file.tag) };
  } finally {
    file.close();
  }
}

function makeWorkdir(dir: string): void {
  try {
    makeDirectory(dir);
  } catch (error) {
    throw new PrunError('ERR_USAGE', `--workdir ${dir}: cannot make it on this machine: ${describeSystemError(error as NodeJS.ErrnoException)}`);
  }
}
