/** How long running inputs may take to finish after the first Ctrl-C before they are ended. */
const INTERRUPT_GRACE_MS = 10_000;

const EXIT_FOR: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

export interface Interruptible {
  stop(mode: 'soon' | 'now'): void;
}

/**
 * The first SIGINT or SIGTERM starts no new inputs and lets running ones finish for a grace
 * period; a second one, or the end of the grace, ends them at once. Returns the exit status
 * the signal calls for (undefined while none came) and a function to remove the handlers.
 */
export function handleInterrupts(run: Interruptible, say: (line: string) => void): { exitCode(): number | undefined; dispose(): void } {
  let received: 'SIGINT' | 'SIGTERM' | undefined;
  let timer: NodeJS.Timeout | undefined;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (received) {
      say('prun: ending running inputs now');
      run.stop('now');
      return;
    }
    received = signal;
    say(`prun: ${signal === 'SIGINT' ? 'interrupted' : 'terminated'}: starting no more inputs; waiting for running ones (${signal === 'SIGINT' ? 'Ctrl-C' : 'signal'} again to end them now)`);
    run.stop('soon');
    timer = setTimeout(() => run.stop('now'), INTERRUPT_GRACE_MS);
    timer.unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    exitCode: () => (received ? EXIT_FOR[received] : undefined),
    dispose() {
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
