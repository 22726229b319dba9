import type { Held } from '../slots/ledger.js';

/**
 * A batch of the run that is on the queue or running somewhere, as the producer keeps it.
 * `done`: inputs already reported; a batch delivered twice reports them again, and those are dropped.
 */
export interface Outstanding extends Held {
  /** The take of the job whose reports count. */
  delivery: string | undefined;
  /** The worker of that take: one that refuses the run refuses its own batches, not the others'. */
  worker: string | undefined;
  /** Its job is on the queue (the add went through): only then can it be taken off again. */
  queued: boolean;
  /** Taken off the queue by the producer's own workers: reports from elsewhere no longer count. */
  local: boolean;
  /** When the producer's workers last failed to take it (a live worker held it). */
  triedAt: number | undefined;
  /** The attempt of its first take, as it went on the queue: its Nth take is this one plus N-1. */
  firstAttempt: number;
}
