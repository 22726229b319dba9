import { PrunError } from '../errors.js';
import { firstLine } from '../model/first-line.js';

/**
 * Slots that die before they are ready, one after the other with none ready in between,
 * before the run gives up. One can be chance (a port or a lock its predecessor still holds, a
 * passing lack of memory); the predecessor's teardown may still be racing the second; three in
 * a row is a script (or a shell) that cannot start any more, and three wasted starts is a
 * small price. Respawned for ever, such slots would make no progress at all.
 */
export const MAX_START_FAILURES = 3;

export interface StartRule {
  /**
   * While no slot has ever been ready, a death at start ends the run once none of the first
   * slots is left starting (a worker pool: the script cannot start at all); else such deaths
   * are counted from the first (shell lanes).
   */
  fatalUntilReady: boolean;
}

/** Decides when slots dying at start end the run: the one rule of the pool and of shell lanes. */
export class StartFailures {
  private readies = 0;
  private inARow = 0;

  constructor(private readonly rule: StartRule) {}

  /** A slot became ready: returns how many have, replacements included. */
  ready(): number {
    this.inARow = 0;
    return ++this.readies;
  }

  get everReady(): boolean {
    return this.readies > 0;
  }

  /**
   * A slot died before it was ready, for `cause`: what the slot said of its own start (the
   * script threw when imported, its setup() failed or ran out of time), whose code is kept, or
   * the words of its death. `othersStarting`: other slots are still starting.
   * Returns the error that ends the run, or undefined when it goes on: before any slot was
   * ready, one of the others may still be (one failed start of several is no verdict on the
   * script: which of them died first was a race), and the dead are replaced only then.
   */
  died(cause: string | PrunError, othersStarting = false): PrunError | undefined {
    if (this.rule.fatalUntilReady && this.readies === 0) {
      if (othersStarting) return undefined;
      // its own code, whichever worker was the last to fail (was: ERR_SETUP for a script that
      // threw when imported, when it was not the first worker to say so)
      return typeof cause === 'string' ? new PrunError('ERR_WORKER_START', `a worker failed to start: ${cause}`) : cause;
    }
    if (++this.inARow < MAX_START_FAILURES) return undefined;
    return new PrunError('ERR_WORKER_START', `workers keep dying at start: ${typeof cause === 'string' ? cause : firstLine(cause.message)}`);
  }
}
