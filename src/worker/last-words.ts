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

/** What to say if the worker dies now; undefined once there is nothing to say. */
export function sayAtDeath(say: (() => void) | undefined): void {
  words = say;
}

/** Takes back `say`, if they are still the words ready: others said since stay. */
export function sayNoMore(say: () => void): void {
  if (words === say) words = undefined;
}

/** Says now what the worker would say if it died now (for tests of what it would say). */
export function speakNow(): void {
  speak();
}

function speak(): void {
  const say = words;
  words = undefined;
  say?.();
}

/** Signals whose default is not to end a process (or that test only that it lives: 0). */
const HARMLESS = new Set(['SIGCHLD', 'SIGCONT', 'SIGURG', 'SIGWINCH', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU']);

/** Whether sending `signal` to this process ends it: not a probe (0), not one it listens for. */
export function ends(signal: string | number | undefined): boolean {
  const name = typeof signal === 'number' ? Object.entries(constants.signals).find(([, number]) => number === signal)?.[0] : (signal ?? 'SIGTERM');
  if (name === undefined) return signal !== 0;
  return !HARMLESS.has(name) && process.listenerCount(name) === 0;
}

/** Listens for the worker's own death: its exit, and a kill of itself or its group. */
export function listenForDeath(): void {
  process.on('exit', speak);
  const kill = process.kill.bind(process);
  // the message is written to the pipe at once, before the signal is sent (as at exit); a
  // probe (signal 0) or a signal the script handles says nothing (was: a message an input)
  process.kill = ((pid: number, signal?: string | number) => {
    if ((pid === process.pid || pid === 0 || pid === -process.pid) && ends(signal)) speak();
    return kill(pid, signal);
  }) as typeof process.kill;
}
