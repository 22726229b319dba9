import { performance } from 'node:perf_hooks';
import { type LongTimeout, setLongTimeout } from './long-timeout.js';

/**
 * The clock of --timeout and of the watchdogs that stand for it: the time prun ran, without
 * the time a Ctrl-Z kept it stopped. Was: a run stopped for longer than --timeout failed every
 * running input with ERR_TIMEOUT at `fg`, however little of its time it had used (a review).
 *
 * In prun's main thread job control tells it (stoppable-children.ts: stopChildren at Ctrl-Z,
 * resumeChildren at `fg`), and the listeners pass it on to the workers, whose own copy of this
 * module is told by message: that a stop began, before they are stopped; how long it lasted,
 * before they are continued. A timer that comes due looks again once a stop just over has been
 * told: at `fg` an overdue timer may fire before the message that says why is read.
 *
 * Only a Ctrl-Z (SIGTSTP) is seen: a SIGSTOP sent to prun by hand counts as time run, as before.
 */

/** Told when a stop begins and ends: the pool passes it on to its workers. */
export interface StopListener {
  began(): void;
  ended(stoppedMs: number): void;
}

/** A stop under way, since then (performance.now()): nothing timed by this clock is judged till its end is told. */
let stoppedSince: number | undefined;
/** The stops told, as spans of performance.now() (a worker's: ending as it is told), for ranSince. */
const stops: { from: number; to: number }[] = [];
/** Stops kept for ranSince: a Ctrl-Z is a person's act, a run sees few. */
const STOPS_KEPT = 1000;
/** What waits for the end of the stop under way (stopsTold). */
const waiting: (() => void)[] = [];
const listeners = new Set<StopListener>();

/**
 * How long the run has run since `wallStart` (a performance.now()), the stops left out: for a
 * deadline of something whose start is kept on the wall clock, as durations are.
 */
export function ranSince(wallStart: number): number {
  const now = performance.now();
  let stopped = stoppedSince === undefined ? 0 : now - Math.max(stoppedSince, wallStart);
  for (const stop of stops) if (stop.to > wallStart) stopped += stop.to - Math.max(stop.from, wallStart);
  return now - wallStart - stopped;
}

/** A stop begins: in the main thread, just before prun and its workers are stopped; in a worker, as told. */
export function stopBegan(): void {
  stoppedSince ??= performance.now();
  for (const listener of listeners) listener.began();
}

/**
 * The stop is over: it lasted `ms` (a worker is told), or since stopBegan (the main thread). A
 * continue with no stop begun (a SIGCONT sent by hand) lasted nothing.
 */
export function stopEnded(ms?: number): void {
  const now = performance.now();
  const lasted = ms ?? (stoppedSince === undefined ? 0 : now - stoppedSince);
  stoppedSince = undefined;
  if (lasted > 0) stops.push({ from: now - lasted, to: now });
  if (stops.length > STOPS_KEPT) stops.shift();
  for (const listener of listeners) listener.ended(lasted);
  for (const go of waiting.splice(0)) go();
}

/** Listens for stops until the returned function is called. */
export function onStops(listener: StopListener): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/**
 * Resolves once a stop that may have just ended is told: after the next turn's I/O (the
 * messages read then), and after the end of a stop under way.
 */
export function stopsTold(): Promise<void> {
  // two turns: one may begin before the turn's I/O is read, as after a synchronous task that
  // a message's callback ran (was, --procs: a task that ran across a stop timed out: a review)
  return new Promise((resolve) => setImmediate(() => setImmediate(() => (stoppedSince === undefined ? resolve() : waiting.push(resolve)))));
}

/** Calls `callback` once `ms` of running time have passed: time stopped by a Ctrl-Z does not count. */
export function setRunTimeout(callback: () => void, ms: number): LongTimeout {
  const armed = performance.now();
  let cleared = false;
  let timer: LongTimeout;
  const check = (): void => {
    void stopsTold().then(() => {
      if (cleared) return;
      const left = ms - ranSince(armed);
      if (left > 0) timer = setLongTimeout(check, left);
      else callback();
    });
  };
  timer = setLongTimeout(check, ms);
  return {
    clear: () => {
      cleared = true;
      timer.clear();
    },
  };
}
