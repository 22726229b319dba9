import type { Readable, Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { LANE_NAME, LANE_SCRIPT } from './lane-script.js';
import { endGroup, signalGroup, signalProcess } from '../runtime/process-group.js';
import { descendantsOf, endProcesses } from '../runtime/process-tree.js';
import { nonBlockingStderr } from '../runtime/blocking-writes.js';
import { addStoppable } from '../runtime/stoppable-children.js';

/** How a lane ended. */
export interface LaneExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The lane could not be started at all (no /bin/sh). */
  startError: string | undefined;
  /** When its shell exited (performance.now()), which is reported up to CLOSE_WAIT_MS later. */
  exitedAt: number;
}

export interface LaneHandlers {
  /** The lane has started and waits for jobs. */
  ready(): void;
  /** Status lines (and `S`, see lane-script.ts), in the order of the jobs; several at once when they came in one read. */
  lines(lines: string[]): void;
  /** Called once, after the last of its lines. */
  exit(exit: LaneExit): void;
}

/** Once the lane has exited, how long its stdout may stay open before the exit is reported anyway. */
const CLOSE_WAIT_MS = 200;

/**
 * One shell lane process (see lane-script.ts): the only module that knows execa. Execa
 * starts the lane; the jobs themselves never go through it, because a spawn from Node's
 * large process is what costs most per job.
 */
export class Lane {
  readonly pid: number | undefined;
  /** The pid of the lane's lifeline watcher, once the lane is ready (see lane-script.ts). */
  private watcher: number | undefined;
  private readonly stdin: Writable;
  /** Held, so that nothing of it (the lifeline above all) is ever closed before the lane ends. */
  private readonly subprocess;

  /**
   * `dirs`: the folder of its jobs' files, and another its watcher removes with it when prun is
   * gone (--pipe's blocks); `cwd`: where its jobs run (GNU parallel's --workdir), prun's own
   * directory by default; `announcesStarts`: each job says when it starts, an `S` line (--delay).
   */
  constructor(shell: string, [dir, alsoRemoved]: [string, string | undefined], cwd: string | undefined, announcesStarts: boolean, handlers: LaneHandlers) {
    const subprocess = execa(shell, ['-c', LANE_SCRIPT, LANE_NAME, dir, alsoRemoved ?? '', announcesStarts ? 'S' : ''], {
      cwd,
      // GNU parallel's $PARALLEL_PID, which jobs inherit: the pid of the prun that runs them
      env: { PARALLEL_PID: String(process.pid) },
      // fd 3 is the lifeline: never written, it closes only when prun is gone
      stdio: ['pipe', 'pipe', 'inherit', 'pipe'],
      // its own process group, so that one kill(-pid) ends a job's whole tree; this also
      // keeps a terminal's Ctrl-C from reaching jobs: prun decides when they end
      detached: true,
      buffer: false,
      reject: false,
      // the lifeline does this job, and also when prun is killed by a signal it cannot catch
      cleanup: false,
    });
    // its stderr is ours, inherited
    nonBlockingStderr();
    this.subprocess = subprocess;
    this.pid = subprocess.pid;
    // stopped and continued with prun (Ctrl-Z), until the lane's shell is gone
    const forgetStoppable = this.pid === undefined ? () => {} : addStoppable({ stop: () => this.stop(), resume: () => this.resume() });
    this.stdin = subprocess.stdin;
    // a lane that died takes its pipes with it; its exit says why
    subprocess.stdin.on('error', () => {});
    subprocess.stdio[3].on('error', () => {});

    let partial = '';
    let started = false;
    (subprocess.stdout as Readable).on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('latin1')).split('\n');
      partial = lines.pop()!;
      if (!started && lines[0]?.startsWith('R ')) {
        started = true;
        this.watcher = Number(lines.shift()!.slice(2));
        handlers.ready();
      }
      if (lines.length > 0) handlers.lines(lines);
    });

    let reported = false;
    const report = (code: number | null, signal: NodeJS.Signals | null, startError?: string) => {
      if (reported) return;
      reported = true;
      handlers.exit({ code, signal, startError, exitedAt: this.exitedAt ?? performance.now() });
    };
    // reported once it has exited and its last lines are read: at the end of its stdout. Not at
    // the subprocess's 'close', which waits for the lifeline too, held by the watcher until prun
    // ends the lane on hearing of the exit: every lane death waited CLOSE_WAIT_MS, and a job
    // that killed its lane was failed only after the other lanes had run on (was: `--halt
    // soon,fail=1` ran 8 more inputs after the failure of fast jobs)
    let stdoutEnded = false;
    subprocess.stdout.once('close', () => {
      stdoutEnded = true;
      if (this.hasExited) report(subprocess.exitCode, subprocess.signalCode);
    });
    subprocess.once('exit', (code, signal) => {
      forgetStoppable();
      this.onExit(code, signal);
      if (stdoutEnded) report(code, signal);
      // a process the lane left behind may hold its stdout open: then the exit is enough
      else setTimeout(() => report(code, signal), CLOSE_WAIT_MS).unref();
    });
    // `on`, not `once`: a spawn that fails (EMFILE) may emit more than one error, and one
    // unheard ends prun with a stack trace
    subprocess.on('error', (error) => {
      if (subprocess.pid === undefined) report(null, null, error.message);
    });
    // every outcome comes through the events above
    subprocess.catch(() => {});
  }

  /**
   * Ctrl-Z: the lane's group stops, but for its watcher, which must still see the lifeline
   * close and end the group if prun is killed while stopped (was: jobs stopped for ever).
   */
  private stop(): void {
    if (this.pid === undefined) return;
    signalGroup(this.pid, 'SIGSTOP');
    if (this.watcher !== undefined) signalProcess(this.watcher, 'SIGCONT');
  }

  private resume(): void {
    if (this.pid !== undefined) signalGroup(this.pid, 'SIGCONT');
  }

  /** Job lines, as bytes: arguments are kept byte for byte (latin1 strings, see job-inputs.ts). */
  send(lines: string): void {
    this.stdin.write(lines, 'latin1');
  }

  /** No more jobs: the lane ends when the ones it has are done. */
  endInput(): void {
    this.stdin.end();
  }

  private ending: Promise<void> | undefined;
  /** When the lane's shell exited (performance.now()), once it has. */
  private exitedAt: number | undefined;

  /** Whether the lane's shell has exited: its exit may be reported up to CLOSE_WAIT_MS later. */
  get hasExited(): boolean {
    return this.exitedAt !== undefined;
  }
  /** Nothing of the group is left to end (or it is the user's, after a clean exit). */
  private done = false;

  /**
   * Ends the lane's whole process group (the lane, its running job and what the job started):
   * SIGTERM, then SIGKILL after `graceMs`. Once only; settles when the group is gone.
   */
  end(graceMs: number): Promise<void> {
    if (this.ending) return this.ending;
    // read while the lane lives (a job ended for its --timeout): what left the group (setsid)
    // is reached only through the tree. Once the lane is gone (every lane's end, after its
    // input) its orphans are init's, and a scan of /proc would find nothing
    const strays = this.pid === undefined || this.hasExited ? [] : descendantsOf(this.pid).filter((pid) => pid !== this.watcher);
    const ending = this.pid === undefined ? Promise.resolve() : Promise.all([endGroup(this.pid, graceMs), endProcesses(strays, graceMs)]);
    this.ending = ending.then(() => {
      this.done = true;
    });
    this.releaseWatcher();
    return this.ending;
  }

  /**
   * Ends the running job's whole tree, all the lane started but its watcher: SIGTERM, then
   * SIGKILL after `graceMs`. The lane lives on, and says how the job ended, as for any job.
   */
  endJob(graceMs: number): Promise<void> {
    if (this.pid === undefined || this.hasExited) return Promise.resolve();
    return endProcesses(descendantsOf(this.pid, new Set(this.watcher === undefined ? [] : [this.watcher])), graceMs);
  }

  /**
   * prun is exiting, and cannot wait: SIGTERM to the group, which the watcher follows with
   * SIGKILL once the lifeline closes as prun goes. Where the watcher is gone already (prun
   * was ending the lane), SIGKILL now: that group has had its SIGTERM.
   */
  abandon(): void {
    if (this.done || this.pid === undefined) return;
    signalGroup(this.pid, this.watcher === undefined && this.hasExited ? 'SIGKILL' : 'SIGTERM');
  }

  /**
   * The watcher ignores SIGTERM, as it must outlive prun's exit, so it would keep the group
   * from emptying until the grace is over. Once prun is ending the lane itself (end()) and
   * the lane's shell is gone, prun kills the watcher and sees the rest through.
   */
  private releaseWatcher(): void {
    if (!this.ending || !this.hasExited || this.watcher === undefined) return;
    signalProcess(this.watcher, 'SIGKILL');
    this.watcher = undefined;
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exitedAt = performance.now();
    if (code === 0 && signal === null) {
      // the end of its input: the script ended its watcher, and what is left is the user's
      this.watcher = undefined;
      this.done = true;
    }
    this.releaseWatcher();
  }
}
