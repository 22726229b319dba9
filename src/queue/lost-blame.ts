import type { Blame } from '../model/executor.js';
import type { LostReport } from './wire.js';

/** What a `lost` report says of whom to blame. */
export type LostBlame = Pick<LostReport, 'finished' | 'culprit' | 'durationMs' | 'unbegun' | 'none' | 'suspect'>;

/**
 * A worker machine's blame for a batch lost with its pool's worker, as the report carries it
 * (was: `finished`, from a thread's start slot, dropped on the way, so that the producer ran
 * the culprit again among suspects, a second start with --retries 0: a review).
 */
export function lostFields(blame: Blame): LostBlame {
  if (blame === 'none') return { none: true };
  if (blame === 'unknown') return {};
  if (blame === 'suspect') return { suspect: true };
  if ('finished' in blame) return { finished: blame.finished, ...lostFields(blame.then) };
  if ('culprit' in blame) return blame.durationMs === undefined ? { culprit: blame.culprit } : { culprit: blame.culprit, durationMs: blame.durationMs };
  return { unbegun: blame.unbegun };
}

/** The blame a `lost` report carries, as the producer's engine takes it. */
export function blameOf(report: LostBlame): Blame {
  const { culprit, durationMs, unbegun } = report;
  const blamed: Blame | undefined = culprit === undefined ? undefined : durationMs === undefined ? { culprit } : { culprit, durationMs };
  const rest: Blame = blamed ?? (unbegun !== undefined ? { unbegun } : report.none ? 'none' : report.suspect ? 'suspect' : 'unknown');
  return report.finished ? { finished: report.finished, then: rest } : rest;
}
