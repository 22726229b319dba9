import { type BackoffOptions, backoffDelay } from '../../crawl/backoff.js';
import type { Batch } from '../../model/batch.js';

/** --retry-delay: how long a retry waits, growing with each retry, up to a cap. */
export type RetryDelay = BackoffOptions;

/** What becomes of an input that failed. */
export type RetryDecision =
  | { retry: false }
  /** Tried again: at `dueAt` (monotonic ms; undefined: at once), having used one of --retries or not. */
  | { retry: true; dueAt: number | undefined; usesRetry: boolean };

export interface RetryCause {
  /** The server said to slow down (429/503): the input's key waits instead, and no retry is used. */
  throttled: boolean;
  now: number;
}

/**
 * --retries and --retry-delay. A retry that waits is given a due time, never a worker: the
 * scheduler holds it aside until then. The wait is the backoff of a throttled key's (full
 * jitter), so that inputs failed together by one outage do not all come back together.
 */
export class RetryPolicy {
  constructor(
    private readonly retries: number,
    private readonly delay: RetryDelay | undefined,
    private readonly random: () => number = Math.random,
  ) {}

  decide(batch: Pick<Batch, 'retried'>, cause: RetryCause): RetryDecision {
    if (cause.throttled) return { retry: true, dueAt: undefined, usesRetry: false };
    if (batch.retried >= this.retries) return { retry: false };
    return { retry: true, dueAt: this.dueAt(batch.retried + 1, cause.now), usesRetry: true };
  }

  /** When the n-th retry (from 1) may start. */
  private dueAt(n: number, now: number): number | undefined {
    return this.delay && now + backoffDelay(n, this.delay, this.random);
  }
}
