import { type Batch, inputsOf } from '../model/batch.js';
import type { FinalFailure, JobRecord } from '../model/delivery.js';
import { type Failure, messageWithCauses, statusColumn } from '../model/failure.js';
import type { Run } from '../model/run.js';
import type { SettledRange } from './split-run.js';

/** The joblog's row of one settled input: `error` undefined when it succeeded. */
function jobRecord(index: number, input: string, error: Failure | undefined, attempts: number, durationMs: number | undefined): JobRecord {
  return {
    index,
    input,
    ok: error === undefined,
    status: error === undefined ? 0 : statusColumn(error),
    attempts,
    durationMs,
    error: error && messageWithCauses(error),
    ...(error ? { code: error.code } : {}),
    ...(error?.signal !== undefined ? { signal: error.signal } : {}),
  };
}

/** One record per input settled by a run: its successes, and its failures that are final. */
export function journalRecords(batch: Batch, from: number, run: Run, finals: readonly FinalFailure[]): JobRecord[] {
  const inputs = inputsOf(batch, from, from + run.count);
  const failed = new Map(run.failures.map((failure) => [failure.offset, failure]));
  const final = new Set(finals.map((failure) => failure.index));
  const records: JobRecord[] = [];
  for (let i = 0; i < run.count; i++) {
    const offset = from + i;
    const failure = failed.get(offset);
    if (failure && !final.has(batch.first + offset)) continue; // it will be tried again
    records.push(jobRecord(batch.first + offset, inputs[i] ?? '', failure?.error, batch.attempt, run.durationsMs?.[i]));
  }
  return records;
}

/** The record of a failure that no run reported (a worker death, a key given up): no duration. */
export function finalFailureRecord(final: FinalFailure): JobRecord {
  // no run reported it (its worker or lane was ended): a timeout ran as long as it was let
  return jobRecord(final.index, final.input, final.error, final.attempts, final.error.code === 'ERR_TIMEOUT' ? final.error.timeoutMs : undefined);
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
