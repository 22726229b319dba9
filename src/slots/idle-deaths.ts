/**
 * Workers that die between inputs, holding none, one after another with no input run to its
 * end in between: the first few are replaced at once, the rest after a wait that doubles up
 * to MAX_WAIT_MS. Replaced at once every time, a script whose workers die while idle (a timer
 * of its setup() that exits) was started 4 times a second, a line each, for as long as its
 * input was quiet (`tail -f log | prun map ...`: a review). An input that runs to its end
 * starts the count again.
 *
 * An input that comes during a wait waits for it: the pool is asked for room before an input
 * is read, so it cannot tell one that waits from none. Hence the short cap: a review measured
 * 6 s more for an input with a cap of 10 s.
 */
export const REPLACED_AT_ONCE = 3;
const FIRST_WAIT_MS = 250;
export const MAX_WAIT_MS = 2000;

export class IdleDeaths {
  private inARow = 0;

  /** A worker died holding nothing: how long its replacement waits before it starts (0: not at all). */
  died(): number {
    const past = ++this.inARow - REPLACED_AT_ONCE;
    return past <= 0 ? 0 : Math.min(FIRST_WAIT_MS * 2 ** (past - 1), MAX_WAIT_MS);
  }

  /** The last death is the first whose replacement waits: worth one line, for all that follow. */
  get firstToWait(): boolean {
    return this.inARow === REPLACED_AT_ONCE + 1;
  }

  /** An input ran to its end. */
  ran(): void {
    this.inARow = 0;
  }
}
