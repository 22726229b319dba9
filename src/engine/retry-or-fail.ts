import { type Batch, cutBatch, originAt } from '../model/batch.js';
import type { FinalFailure } from '../model/delivery.js';
import { type Failure, throttleAnswerOf } from '../model/failure.js';
import type { ProgressTracker } from '../progress/tracker.js';
import type { Clock } from './clock.js';
import type { RetryDecision, RetryPolicy } from './scheduler/retry-policy.js';
import type { Line } from './scheduler/waiting-line.js';
import type { StopMode } from './stopping.js';
import type { Throttles } from './throttles.js';

const NO_RETRY: RetryDecision = { retry: false };

/**
 * What becomes of a failed input: it goes back to the line, alone, as --retries and throttle
 * signals say (after its backoff, if any), or it fails for good. Once the run is stopping,
 * nothing is tried again.
 */
export class RetryOrFail {
  constructor(
    private readonly policy: RetryPolicy,
    private readonly throttles: Throttles,
    private readonly line: Pick<Line, 'retry'>,
    private readonly stopping: { readonly mode: StopMode | undefined },
    private readonly tracker: ProgressTracker,
    private readonly clock: Clock,
  ) {}

  /**
   * Fails the input at `offset` for good (its final failure), or queues it again (undefined).
   * `killedWorker`: it took its worker down, so a retry runs alone on a fresh worker.
   * `durationMs`: how long the try ran, when the run said.
   */
  decide(batch: Batch, offset: number, input: string, error: Failure, killedWorker: boolean, durationMs?: number): FinalFailure | undefined {
    // without keys a throttle holds the whole run back: the input goes again when the wait is
    // over, unless the run has been throttled too long (with keys, the key's line holds it)
    const verdict = this.throttles.verdict(batch, offset, error);
    if (verdict === 'too-long') return this.fail(batch, offset, input, this.throttles.tooLong('', error), batch.attempt);
    const decision = this.stopping.mode ? NO_RETRY : this.policy.decide(batch, { throttled: verdict !== undefined, now: this.clock.now() });
    if (!decision.retry) return this.fail(batch, offset, input, error, batch.attempt, durationMs);
    if (decision.usesRetry) this.tracker.retried++;
    const retried = batch.retried + (decision.usesRetry ? 1 : 0);
    // a throttled input has not failed, only been told to wait: stopped, it never ran again
    const lastFailure = verdict === undefined ? error : undefined;
    const lastDurationMs = verdict === undefined ? durationMs : undefined;
    const lastThrottle = verdict === undefined ? undefined : throttleAnswerOf(error, true);
    const throttles = verdict === undefined ? undefined : (batch.throttles ?? 0) + 1;
    const throttledSince = verdict === undefined ? undefined : (batch.throttledSince ?? this.clock.now());
    const again = cutBatch(batch, offset, offset + 1, { attempt: batch.attempt + 1, retried, isolated: killedWorker, fresh: killedWorker, lastFailure, lastDurationMs, lastThrottle, throttles, throttledSince });
    this.line.retry(again, verdict?.dueAt ?? decision.dueAt, verdict !== undefined);
    return undefined;
  }

  /** The input at `offset` fails for good, after `attempts` starts, its last try `durationMs` long when known. */
  fail(batch: Batch, offset: number, input: string, error: Failure, attempts: number, durationMs?: number): FinalFailure {
    this.tracker.failed++;
    const final: FinalFailure = { index: batch.first + offset, input, origin: originAt(batch.origin, offset), attempts, error };
    if (durationMs !== undefined) final.durationMs = durationMs;
    return final;
  }
}
