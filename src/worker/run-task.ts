import { formatDuration } from '../api/duration.js';
import { type LongTimeout, setLongTimeout } from '../runtime/long-timeout.js';
import type { TaskContext, UserModule } from './user-module.js';

/** What became of one task under a time limit. */
export type Settled =
  | { ok: true; value: unknown }
  | { ok: false; error: unknown; stuck: boolean };

/** Thrown into a task's result when its time is up. */
export class TimeoutError extends Error {
  constructor(ms: number) {
    super(`timed out after ${formatDuration(ms)}`);
    this.name = 'TimeoutError';
  }
}

/**
 * Runs one task with a deadline counted from its start: at the deadline its signal aborts and
 * the input fails. A task that has not stopped `graceMs` later is `stuck`: only ending its
 * worker can stop it.
 */
export async function runWithTimeout(
  user: UserModule,
  input: unknown,
  base: Omit<TaskContext, 'signal'>,
  lifetime: AbortSignal,
  timeoutMs: number,
  graceMs: number,
): Promise<Settled> {
  const controller = new AbortController();
  const stopWithLifetime = () => controller.abort(lifetime.reason);
  lifetime.addEventListener('abort', stopWithLifetime, { once: true });
  let timer: LongTimeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setLongTimeout(() => resolve('timeout'), timeoutMs);
  });
  const task = Promise.resolve().then(() => user.task(input, { ...base, signal: controller.signal }));
  try {
    const first = await Promise.race([task, deadline]);
    if (first !== 'timeout') return { ok: true, value: first };
    const error = new TimeoutError(timeoutMs);
    controller.abort(error);
    const stopped = await Promise.race([task.then(() => true, () => true), delay(graceMs)]);
    return { ok: false, error, stuck: stopped !== true };
  } catch (error) {
    return { ok: false, error, stuck: false };
  } finally {
    timer?.clear();
    lifetime.removeEventListener('abort', stopWithLifetime);
  }
}

function delay(ms: number): Promise<false> {
  return new Promise((resolve) => setTimeout(() => resolve(false), ms));
}
