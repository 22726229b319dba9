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
   * While no slot has ever been ready, a slot that says its script cannot start (it threw when
   * imported, its setup() failed or ran out of time) ends the run once none of the first slots
   * is left starting: every one would say the same (a worker pool). Deaths without a word (an
   * exit, a signal) are counted in a row all the same, as after a slot was ready.
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

  /** Slots that became ready so far, replacements included. */
  get readyCount(): number {
    return this.readies;
  }

  get everReady(): boolean {
    return this.readies > 0;
  }

  /**
   * Whether a slot that died at start for `cause` is replaced at once. Not, until a slot was
   * ready, one whose script says it cannot start: its replacements would say so for ever.
   */
  replacesNow(cause: string | PrunError): boolean {
    return this.readies > 0 || typeof cause === 'string' || !this.rule.fatalUntilReady;
  }

  /**
   * A slot died before it was ready, for `cause`: what the slot said of its own start (the
   * script threw when imported, its setup() failed or ran out of time), whose code is kept, or
   * the words of its death. `othersStarting`: other slots are still starting.
   * Returns the error that ends the run, or undefined when it goes on: before any slot was
   * ready, one of the others may still be (one failed start of several is no verdict on the
   * script: which of them died first was a race).
   */
  died(cause: string | PrunError, othersStarting = false): PrunError | undefined {
    if (this.rule.fatalUntilReady && this.readies === 0 && typeof cause !== 'string') {
      // its own code, whichever worker was the last to fail (was: ERR_SETUP for a script that
      // threw when imported, when it was not the first worker to say so)
      return othersStarting ? undefined : cause;
    }
    // a death may be chance even before any slot was ready (was: one death of the only worker
    // ended the run, as `a worker failed to start`, where issue 9 asks for the count in a row)
    if (++this.inARow < MAX_START_FAILURES) return undefined;
    // with what the script threw as its cause, as ERR_SETUP and ERR_SCRIPT_LOAD keep it (was: none,
    // so that a caller could not branch on its code when the failed start was a replacement's)
    return new PrunError('ERR_WORKER_START', `workers keep dying at start: ${startCause(cause)}`, typeof cause === 'string' || cause.cause === undefined ? undefined : { cause: cause.cause });
  }
}

/** A failed start's cause as one line says it: the words of its death, or the first line of what its script said. */
export function startCause(cause: string | PrunError): string {
  return typeof cause === 'string' ? cause : firstLine(cause.message);
}
