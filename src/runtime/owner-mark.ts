/**
 * The environment variable that marks every process a worker starts, and every process those
 * start: fork, exec, a shell's background job, setsid, a double fork all inherit it, where a
 * process group or a parent link is lost (a process that left its group, or whose parent died
 * and which init took over). prun finds them by it in /proc/PID/environ (process-tree.ts) and
 * ends them with their worker. One that clears its environment (`env -i`) is out of reach.
 */
export const OWNER_VARIABLE = 'PRUN_OWNER';

/**
 * This prun process's part of every mark it gives: the end of the CLI and the lifeline of
 * forked workers look for it. Random, so that no mark of another prun (or of this pid reused)
 * is taken for one of ours; Math.random, not node:crypto, which would cost the thread started
 * ahead (cli/prestart.ts) its load.
 */
export const RUN_MARK = `${process.pid}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;

let workers = 0;

/** The mark of one more worker, `RUN_MARK.N`: its processes and only its. */
export function newWorkerMark(): string {
  return `${RUN_MARK}.${++workers}`;
}

/**
 * A worker's environment: this process's, with its mark added to those it inherited. Added,
 * not put in their place: a prun started by a task of another carries the outer worker's
 * mark, and its workers must carry it too, or the outer run ends the inner prun and its
 * lifeline and leaves its workers running (was: a busy inner worker ran on under init).
 */
export function markedEnvironment(mark: string): NodeJS.ProcessEnv {
  const inherited = process.env[OWNER_VARIABLE];
  return { ...process.env, [OWNER_VARIABLE]: inherited ? `${inherited} ${mark}` : mark };
}

/**
 * Whether a value of the variable holds `mark`, or with `under` a worker's mark of the run
 * `mark` (`mark.N`).
 */
export function holdsMark(value: string, mark: string, under: boolean): boolean {
  return value.split(' ').some((held) => (under ? held.startsWith(`${mark}.`) : held === mark));
}
