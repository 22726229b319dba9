/**
 * How many batches a `prun worker` takes from the queue at once: one per lane, and while
 * batches run quick one more per worker of its pool, so that a lane never waits on Redis
 * between two quick batches. A batch taken ahead waits here behind a running one, where no
 * other machine can take it: behind batches of seconds, the last few of a run queued on one
 * machine while the others sat idle (was: 3 single-slot machines, 2 inputs of 3 s each, both
 * on one machine: 6 s for a run of 3 s; a review of issue 10).
 */

/** A batch that runs longer than this gains nothing from one taken ahead: Redis answers in well under 1%. */
export const AHEAD_UNDER_MS = 200;
/** The weight of the latest batch in the running estimate of how long batches take. */
const WEIGHT = 0.3;

export class TakeAhead {
  /** How long batches take, about; undefined until one has ended: none is taken ahead till then. */
  private typicalMs: number | undefined;

  /**
   * `lanes`: batches the pool runs at once; `ahead`: how many more it may hold while batches
   * are quick; `apply`: sets how many the queue hands this worker at once.
   */
  constructor(
    private readonly lanes: number,
    private readonly ahead: number,
    private readonly apply: (batches: number) => void,
  ) {}

  /** How many batches are taken at first: none ahead, as nothing says yet that they are quick. */
  get initial(): number {
    return this.lanes;
  }

  /** A batch ran to its end in `elapsedMs`. */
  ended(elapsedMs: number): void {
    const before = this.takes();
    this.typicalMs = this.typicalMs === undefined ? elapsedMs : this.typicalMs + WEIGHT * (elapsedMs - this.typicalMs);
    const after = this.takes();
    if (after !== before) this.apply(after);
  }

  /**
   * The worker has had nothing to run for a while: what it learnt of batches was of runs now
   * over, and the next run's may be slow (was: a worker warmed by a quick run took two batches
   * of seconds of the next, and another machine sat idle; a regression hunt).
   */
  idle(): void {
    const before = this.takes();
    this.typicalMs = undefined;
    if (before !== this.lanes) this.apply(this.lanes);
  }

  private takes(): number {
    return this.typicalMs !== undefined && this.typicalMs < AHEAD_UNDER_MS ? this.lanes + this.ahead : this.lanes;
  }
}
