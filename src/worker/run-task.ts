import { performance } from 'node:perf_hooks';
import { type Failure, taskFailed, timedOut } from '../model/failure.js';
import type { LongTimeout } from '../runtime/long-timeout.js';
import { ranSince, setRunTimeout, stopsTold } from '../runtime/stop-clock.js';
import type { TaskContext, UserModule } from './user-module.js';

/** What became of one task under a time limit. */
export type Settled =
  | { ok: true; value: unknown }
  | { ok: false; failure: Failure; stuck: boolean };

/** The reason a task's signal gives when its time is up. */
export class TimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeoutError';
  }
}

/**
 * A task's context. Each task has a signal of its own, so that the listeners a task adds to it
 * (fetch adds one a request) go with the task instead of piling up on one signal the worker's
 * tasks share (MaxListenersExceededWarning). It is made only when the task reads it: a trivial
 * task pays for no AbortController. The worker aborts the signals of its running tasks as it
 * ends, and at Ctrl-C, without a listener of theirs on a signal of its own; a task that first
 * reads its signal after that finds it aborted (`stopped`).
 */
export class TaskRun implements TaskContext {
  private controller: AbortController | undefined;
  private reason: unknown;
  private aborted = false;

  constructor(
    readonly index: number,
    readonly attempt: number,
    private readonly running: Set<TaskRun>,
    /** Why the run stopped its running tasks (Ctrl-C), once it has: undefined until then. */
    private readonly stopped: () => unknown = () => undefined,
  ) {}

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      // a task that first asks for its signal after the run stopped its tasks gets it aborted
      // too (was: a fresh one, so a fetch made after Ctrl-C ran to its end)
      const stop = this.aborted ? undefined : this.stopped();
      if (stop !== undefined) {
        this.aborted = true;
        this.reason = stop;
      }
      if (this.aborted) this.controller.abort(this.reason);
      else this.running.add(this);
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
    this.running.delete(this);
  }

  /** The task is over: the worker forgets it. */
  done(): void {
    if (this.controller) this.running.delete(this);
  }
}

/**
 * Runs one task with a deadline counted from its start: at the deadline its signal aborts and
 * the input fails. A task that has not stopped `graceMs` later is `stuck`: only ending its
 * worker can stop it.
 */
export async function runWithTimeout(user: UserModule, input: unknown, ctx: TaskRun, timeoutMs: number, graceMs: number): Promise<Settled> {
  let timer: LongTimeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    // time a Ctrl-Z kept the worker stopped is no time run (stop-clock.ts)
    timer = setRunTimeout(() => resolve('timeout'), timeoutMs);
  });
  const started = performance.now();
  // a task that held the thread past its deadline ended before the timer could fire: it
  // failed all the same (was: a synchronous task of 1 s under --timeout 300ms succeeded);
  // once a stop it ran across is told, which is read after it
  const late = async (): Promise<boolean> => {
    if (ranSince(started) < timeoutMs) return false;
    await stopsTold();
    return ranSince(started) >= timeoutMs;
  };
  const task = Promise.resolve().then(() => user.task(input, ctx));
  try {
    const first = await Promise.race([task, deadline]);
    if (first !== 'timeout') return (await late()) ? { ok: false, failure: timedOut(timeoutMs), stuck: false } : { ok: true, value: first };
    const failure = timedOut(timeoutMs);
    ctx.abort(new TimeoutError(failure.message));
    const stopped = await Promise.race([task.then(() => true, () => true), delay(graceMs)]);
    return { ok: false, failure, stuck: stopped !== true };
  } catch (error) {
    return { ok: false, failure: (await late()) ? timedOut(timeoutMs) : taskFailed(error), stuck: false };
  } finally {
    timer?.clear();
    ctx.done();
  }
}

function delay(ms: number): Promise<false> {
  return new Promise((resolve) => setTimeout(() => resolve(false), ms));
}
