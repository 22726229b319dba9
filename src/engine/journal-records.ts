import { type Batch, inputsOf } from '../model/batch.js';
import type { FinalFailure, JobRecord } from '../model/delivery.js';
import { type Failure, messageWithCauses, statusColumn } from '../model/failure.js';
import type { InputNaming } from '../model/payload.js';
import type { Run } from '../model/run.js';
import type { SettledRange } from './split-run.js';

/** The joblog's row of one settled input: `error` undefined when it succeeded. */
function jobRecord(index: number, input: string, error: Failure | undefined, attempts: number, durationMs: number | undefined, endedAt: number): JobRecord {
  return {
    index,
    input,
    ok: error === undefined,
    status: error === undefined ? 0 : statusColumn(error),
    attempts,
    durationMs,
    endedAt,
    error: error && messageWithCauses(error),
    ...(error ? { code: error.code } : {}),
    ...(error?.signal !== undefined ? { signal: error.signal } : {}),
  };
}

/**
 * One record per input settled by a run: its successes, and its failures that are final.
 * Each ended at its start and duration, when the run says when they started; else (a run
 * without starts) reckoned from `now`, when the run was reported (epoch ms): its inputs ran
 * one after the other, the last ending about then, each one before it ending as the
 * durations after it began.
 */
export function journalRecords(batch: Batch, from: number, run: Run, finals: readonly FinalFailure[], naming: InputNaming, now = Date.now()): JobRecord[] {
  const inputs = inputsOf(batch, from, from + run.count, naming);
  const failed = new Set(run.failures.map((failure) => failure.offset));
  const final = new Map(finals.map((failure) => [failure.index, failure]));
  const records: JobRecord[] = [];
  let endedAt = now;
  for (let i = run.count - 1; i >= 0; i--) {
    const offset = from + i;
    const durationMs = run.durationsMs?.[i];
    const startedAt = run.startsMs?.[i];
    if (startedAt !== undefined) endedAt = startedAt + (durationMs ?? 0);
    const index = batch.first + offset;
    // one that will be tried again (or never ran: stopped) has no record; a final failure's
    // says what it says (a retry stopped by Ctrl-C ends with its try before)
    const failure = final.get(index);
    if (!failed.has(offset)) records.push(jobRecord(index, inputs[i] ?? '', undefined, batch.attempt, durationMs, endedAt));
    else if (failure) records.push(jobRecord(index, inputs[i] ?? '', failure.error, failure.attempts, durationMs, endedAt));
    endedAt -= durationMs ?? 0;
  }
  return records.reverse();
}

/**
 * The record of a failure that no run reported (a worker death, a key given up): no duration.
 * `name`: the input as the joblog names it (the failure names it as text, for people).
 */
export function finalFailureRecord(final: FinalFailure, name: string, now = Date.now()): JobRecord {
  // no run reported it (its worker or lane was ended): a timeout ran as long as it was let; a
  // retry the stop kept from starting ran its try before as long as that was measured
  const durationMs = final.durationMs ?? (final.error.code === 'ERR_TIMEOUT' ? final.error.timeoutMs : undefined);
  return jobRecord(final.index, name, final.error, final.attempts, durationMs, final.endedAt ?? now);
}

/**
 * Puts each record after the output of its range, as a delivery of its own: it passes the
 * reorder buffer with that output, so it reaches the consumer only after it.
 */
export function addRecords(ranges: readonly SettledRange[], records: readonly JobRecord[]): void {
  // both are in index order
  let next = 0;
  for (const range of ranges) {
    const start = next;
    while (next < records.length && records[next]!.index < range.end) next++;
    if (next > start) range.deliveries.push({ type: 'records', first: range.start, count: 0, records: records.slice(start, next) });
  }
}
