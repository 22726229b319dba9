/**
 * How a worker tells a run's producer is gone: it beats (a counter in the run's control hash,
 * every HEARTBEAT_MS), and a worker that asks as often and finds the same beat this many times
 * in a row, each time answered at once, takes it for dead (SIGKILLed, its machine lost): the run
 * is ended then, rather than run on by every worker until its keys expire (RUN_TTL_MS), for
 * nobody, and a second time by a `--resume` started meanwhile.
 */
export const ORPHAN_POLLS = 8;
/**
 * A question that took longer does not count: Redis was slow or away for everyone, the
 * producer too, and its silence then says nothing about it.
 */
export const POLL_PATIENCE_MS = 500;

export class ProducerWatch {
  /** The beat last heard; the first answer is a beat heard anew whatever it says. */
  private last: string | undefined | null = null;
  private same = 0;

  /** One answer: the producer's beat, and how long the question took. True once the producer is taken for dead. */
  heard(beat: string | undefined, tookMs: number): boolean {
    if (tookMs > POLL_PATIENCE_MS) return false;
    if (beat !== this.last) {
      this.last = beat;
      this.same = 0;
      return false;
    }
    return ++this.same >= ORPHAN_POLLS;
  }
}
