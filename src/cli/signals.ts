import { constants } from 'node:os';

/** How long running inputs may take to finish after the first Ctrl-C before they are ended. */
const INTERRUPT_GRACE_MS = 10_000;

/**
 * The signals that stop a run, the terminal's and a supervisor's alike; prun exits 128+n
 * for each, as a shell reports a process it ended.
 */
const STOPPING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGALRM'] as const;
type StoppingSignal = (typeof STOPPING_SIGNALS)[number];

export interface Interruptible {
  stop(mode: 'soon' | 'now', abortRunning?: boolean): void;
  /** Whether inputs are running now: a run waiting for input has none to wait for. */
  busy(): boolean;
}

/** Signals that came while a run was being started, before handleInterrupts took over. */
let held: StoppingSignal[] | undefined;
const hold = (signal: StoppingSignal): void => void held?.push(signal);

/**
 * Catches the stopping signals from now until handleInterrupts() takes them over, which then
 * acts on them: call it right before a run is started. Starting a run's workers blocks for as
 * long as forking them takes (a second for --procs 32 here), and a signal then found no
 * handler: prun died of it in silence, with no word of the inputs that never ran.
 */
export function holdInterrupts(): void {
  if (held) return;
  held = [];
  for (const signal of STOPPING_SIGNALS) process.on(signal, hold);
}

/**
 * Until the returned function is called, a stopping signal ends prun at once, in one line and
 * with 128+n: for a wait before any run has started (`prun exec` reading all its inputs first,
 * for --shuf or {##}), where nothing runs that could be stopped (was: killed by the signal, in
 * silence).
 */
export function exitOnInterrupt(say: (line: string) => void, waitingFor: string): () => void {
  const onSignal = (signal: StoppingSignal): void => {
    say(`prun: ${describe(signal)} while ${waitingFor}: nothing ran`);
    process.exit(128 + constants.signals[signal]);
  };
  for (const signal of STOPPING_SIGNALS) process.on(signal, onSignal);
  return () => {
    for (const signal of STOPPING_SIGNALS) process.off(signal, onSignal);
  };
}

/** Signals heard after the run, while prun waits for the readers of what it wrote. */
export interface ExitSignals {
  /** 128+n for a first signal that came only after the run: the exit is the signal's. */
  lateExitCode(): number | undefined;
  /** A stopping signal came during the run: its exit and summary were the run's. */
  interruptedRun: boolean;
  /** Aborted at a second signal, or at the end of the grace: what readers did not take is not waited for. */
  impatient: AbortSignal;
}

/**
 * The first stopping signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM) starts no new inputs
 * and lets running ones finish for a grace period; a second one, or the end of the grace,
 * ends them at once, and `impatient` aborts: a reader of stdout that does not read is then
 * not waited for. Waiting for input is not running: a run idle on a pipe or a FIFO ends at
 * the first. Returns the exit status the signal calls for (undefined while none came), and
 * afterRun(), which keeps the handlers for the wait at the exit.
 */
export function handleInterrupts(run: Interruptible, say: (line: string) => void): { exitCode(): number | undefined; impatient: AbortSignal; afterRun(): ExitSignals } {
  let received: StoppingSignal | undefined;
  let runOver = false;
  let timer: NodeJS.Timeout | undefined;
  // past the grace, or at a second signal, results that stdout's reader does not take are not
  // waited for (was: prun stayed until a stalled reader went, though told twice to end)
  const impatience = new AbortController();
  const endNow = (): void => {
    if (!runOver) run.stop('now');
    impatience.abort();
  };
  const again = (signal: StoppingSignal): string => `${signal === 'SIGINT' ? 'Ctrl-C' : 'signal'} again to end`;
  const onSignal = (signal: StoppingSignal) => {
    if (received) {
      // said once, however many signals come after the first (was: a line each)
      if (!impatience.signal.aborted && !runOver) say('prun: ending running inputs now');
      endNow();
      return;
    }
    received = signal;
    timer = setTimeout(endNow, INTERRUPT_GRACE_MS);
    timer.unref();
    if (runOver) {
      say(`prun: ${describe(signal)}: waiting for its output to be read (${again(signal)} now)`);
      return;
    }
    // idle on a pipe or a FIFO, the run ends at once: there is nothing to wait for (was: said it waited for running ones)
    const waiting = run.busy() ? `; waiting for running ones (${again(signal)} them now)` : '';
    // running tasks are asked to stop too: a fetch given ctx.signal ends now, not in 10 s.
    // Asked before it is said: what fails after the line on stderr was told to stop
    run.stop('soon', true);
    say(`prun: ${describe(signal)}: starting no more inputs${waiting}`);
  };
  for (const signal of STOPPING_SIGNALS) process.on(signal, onSignal);
  const early = held ?? [];
  held = undefined;
  for (const signal of STOPPING_SIGNALS) process.off(signal, hold);
  for (const signal of early) onSignal(signal);
  const codeOf = (signal: StoppingSignal | undefined) => (signal ? 128 + constants.signals[signal] : undefined);
  return {
    exitCode: () => codeOf(received),
    impatient: impatience.signal,
    // the handlers stay for good, until the exit: a signal while prun waits for a reader that
    // does not read is heard, not its default (was: prun died of a second signal that came
    // after the run, with no exit status of its own, while it waited for stdout's reader; and,
    // with the handlers removed once the wait ended, of the third of a burst)
    afterRun() {
      runOver = true;
      const receivedInRun = received;
      return {
        lateExitCode: () => (receivedInRun ? undefined : codeOf(received)),
        interruptedRun: receivedInRun !== undefined,
        impatient: impatience.signal,
      };
    },
  };
}

function describe(signal: StoppingSignal): string {
  return signal === 'SIGINT' ? 'interrupted' : signal === 'SIGTERM' ? 'terminated' : `got ${signal}`;
}
