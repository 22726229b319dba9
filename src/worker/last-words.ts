import { constants } from 'node:os';

/**
 * What a worker says as it dies by its own hand. A lane alone on its worker says which input
 * starts only before inputs that are not quick, as telling costs more than they do; a death in
 * a quick one made every input of its batch not yet reported a suspect: each ran again, those
 * that had not started counted as started, and the one that killed the worker, run again
 * alone, succeeded if it killed only on its first try, so that the death went unreported (was:
 * exit 0, a review of issue 3). Now, as the worker exits (process.exit(), an exception nothing
 * caught) or kills itself (process.kill(process.pid)), it first sends what it has settled and
 * that the next input was running: the pool blames that input alone, as it blames a slow one.
 * A death that runs none of the worker's code (SIGKILL from outside, V8 out of memory) leaves
 * suspects, as before.
 */
let words: (() => void) | undefined;
/** Whether the worker has said its last words: it is dying, and says nothing more. */
let spoken = false;

/** What to say if the worker dies now; undefined once there is nothing to say. */
export function sayAtDeath(say: (() => void) | undefined): void {
  words = say;
}

/** Takes back `say`, if they are still the words ready: others said since stay. */
export function sayNoMore(say: () => void): void {
  if (words === say) words = undefined;
}

/** Says now what the worker would say if it died now, and lives on: for speakLast(), and tests of what it would say. */
export function speakNow(): void {
  const say = words;
  words = undefined;
  say?.();
}

/**
 * Says the last words now, the worker being as good as dead (an exception nothing caught,
 * whose exit waits for its message to be written): from then on it starts nothing and says
 * nothing, as its code may still run meanwhile (was, --procs: an input that queued a throw on
 * process.nextTick and awaited, then returned, was reported a success: a review).
 */
export function speakLast(): void {
  if (spoken) return;
  speakNow();
  spoken = true;
}

/** Whether the worker has said its last words. */
export function saidLastWords(): boolean {
  return spoken;
}

/** Signals whose default is not to end a process (or that test only that it lives: 0). */
const HARMLESS = new Set(['SIGCHLD', 'SIGCONT', 'SIGURG', 'SIGWINCH', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU']);

/** prun's own listeners for signals, which end the worker all the same (process-entry.ts). */
const ownListeners = new Set<(...args: never[]) => unknown>();

/** Marks `listener` as prun's own: a signal it listens for still ends the worker. */
export function ownSignalListener<T extends (...args: never[]) => unknown>(listener: T): T {
  ownListeners.add(listener);
  return listener;
}

/**
 * Whether sending `signal` to this process ends it: not a probe (0), not one the user's code
 * listens for. prun's own SIGTERM listener ends the worker after it, so it does not count (was:
 * `process.kill(process.pid)` said nothing, and the next input was blamed: a review).
 */
export function ends(signal: string | number | undefined): boolean {
  const name = signalName(signal);
  if (name === undefined) return signal !== 0;
  const theirs = process.listeners(name as NodeJS.Signals).filter((listener) => !ownListeners.has(listener));
  return !HARMLESS.has(name) && theirs.length === 0;
}

function signalName(signal: string | number | undefined): string | undefined {
  return typeof signal === 'number' ? Object.entries(constants.signals).find(([, number]) => number === signal)?.[0] : (signal ?? 'SIGTERM');
}

/** Listens for the worker's own death: its exit, and a kill of itself or its group. */
export function listenForDeath(): void {
  process.on('exit', speakLast);
  const kill = process.kill.bind(process);
  // the message is written to the pipe at once, before the signal is sent (as at exit); a
  // probe (signal 0) or a signal the script handles says nothing (was: a message an input)
  process.kill = ((pid: number, signal?: string | number) => {
    // a pid given as a string is one too, as process.kill takes it
    const target = Number(pid);
    if ((target === process.pid || target === 0 || target === -process.pid) && ends(signal)) {
      speakLast();
      // prun's own listener would take a signal sent to itself (or its group) a turn later, the
      // input that sent it returning meanwhile, and the next one blamed (a review): it runs now,
      // lets go of the signal, and sends it again, which then ends the worker at once; what
      // else is in its group ends with it, as the pool ends a worker's group
      const name = signalName(signal) as NodeJS.Signals;
      for (const listener of process.listeners(name).filter((own) => ownListeners.has(own))) (listener as (signal: NodeJS.Signals) => void)(name);
    }
    return kill(pid, signal);
  }) as typeof process.kill;
}
