import type { Failure } from '../model/failure.js';
import type { ItemFailure, ItemStderr } from '../model/run.js';
import type { Batch } from '../model/batch.js';
import type { Delivery, FinalFailure, OutputFile } from '../model/delivery.js';
import type { ExecutorRun } from '../model/executor.js';
import { valuesSize } from '../model/value-size.js';

/** Consecutive inputs [start, end) settled together, and what to deliver for them. */
export interface SettledRange {
  start: number;
  end: number;
  deliveries: Delivery[];
}

/** Fails an input of the batch for good (its failure), or queues it to be tried again (undefined). */
export type FailOrRetry = (offset: number, input: string, error: Failure) => FinalFailure | undefined;

/** About how many bytes of output a run brings: what the read-ahead window and batch sizes bound. */
export function outputBytes(run: ExecutorRun): number {
  if (run.file) return run.file.bytes;
  return run.values ? valuesSize(run.values) : run.text.length;
}

/**
 * Cuts the run of a batch's inputs [from, from + run.count) into ranges to settle: the
 * successes' output, and failures where they fell. An input to be tried again leaves a
 * gap between two ranges, to be filled when its retry settles. `bytes`, what the run holds
 * until taken, is shared among the pieces of values it is cut into.
 */
export function splitRun(batch: Batch, from: number, run: ExecutorRun, bytes: number, failOrRetry: FailOrRetry): { ranges: SettledRange[]; finals: FinalFailure[] } {
  if (run.file) return splitFileRun(batch.first + from, run, run.file, failOrRetry);
  const first = batch.first + from;
  const end = first + run.count;
  const content = (start: number, stop: number, cut: [number, number]): Delivery => {
    if (run.values === undefined) {
      return { type: 'text', first: start, count: stop - start, text: run.text.slice(cut[0], cut[1]) };
    }
    const inputs = Array.isArray(batch.payload) ? batch.payload.slice(start - batch.first, stop - batch.first) : undefined;
    const values = run.values.slice(cut[0], cut[1]);
    const share = values.length === run.values.length ? bytes : Math.round((bytes * values.length) / Math.max(1, run.values.length));
    return { type: 'values', first: start, count: stop - start, values, inputs, bytes: share };
  };
  if (run.failures.length === 0 && !run.stderr?.length) return { ranges: [{ start: first, end, deliveries: [content(first, end, [0, Infinity])] }], finals: [] };

  const ranges: SettledRange[] = [];
  const finals: FinalFailure[] = [];
  let rangeStart = first;
  let pieceStart = first;
  let cutStart = 0;
  let deliveries: Delivery[] = [];
  const failed = new Set(run.failures.map((failure) => failure.offset));
  for (const mark of marksOf(run)) {
    if ('text' in mark) {
      // an input's stderr right after its output; a failed input's output has no input of its own (below)
      const index = batch.first + mark.offset;
      const through = failed.has(mark.offset) ? index : index + 1;
      if (through > pieceStart || mark.at > cutStart) deliveries.push(content(pieceStart, through, [cutStart, mark.at]));
      deliveries.push({ type: 'stderr', first: index, count: 0, text: mark.text });
      pieceStart = through;
      cutStart = mark.at;
      continue;
    }
    const failure = mark;
    const index = batch.first + failure.offset;
    // text just before a failure with no input of its own is the failed input's output
    // (a failed shell command's stdout, printed as GNU parallel does): a piece of no inputs
    if (index > pieceStart || failure.at > cutStart) deliveries.push(content(pieceStart, index, [cutStart, failure.at]));
    cutStart = failure.at;
    const final = failOrRetry(failure.offset, failure.input, failure.error);
    if (final) {
      finals.push(final);
      deliveries.push({ type: 'failure', first: index, count: 1, failure: final });
    } else {
      ranges.push({ start: rangeStart, end: index, deliveries });
      deliveries = [];
      rangeStart = index + 1;
    }
    pieceStart = index + 1;
  }
  if (end > pieceStart) deliveries.push(content(pieceStart, end, [cutStart, Infinity]));
  ranges.push({ start: rangeStart, end, deliveries });
  return { ranges, finals };
}

/** The run's failures and stderr texts, in input order; an input's stderr before its failure. */
function marksOf(run: ExecutorRun): (ItemFailure | ItemStderr)[] {
  if (!run.stderr?.length) return run.failures;
  return [...run.stderr, ...run.failures].sort((a, b) => a.offset - b.offset || Number('error' in a) - Number('error' in b));
}

/** A run of one input whose output is a file: the output, its stderr, then its failure if it failed. */
function splitFileRun(index: number, run: ExecutorRun, file: OutputFile, failOrRetry: FailOrRetry): { ranges: SettledRange[]; finals: FinalFailure[] } {
  const failure = run.failures[0];
  const output: Delivery[] = [{ type: 'file', first: index, count: failure ? 0 : 1, file }];
  for (const stderr of run.stderr ?? []) output.push({ type: 'stderr', first: index, count: 0, text: stderr.text });
  if (!failure) return { ranges: [{ start: index, end: index + 1, deliveries: output }], finals: [] };
  const final = failOrRetry(failure.offset, failure.input, failure.error);
  if (!final) {
    file.close(); // the output of a try to be made again is not printed
    return { ranges: [], finals: [] };
  }
  const deliveries: Delivery[] = [...output, { type: 'failure', first: index, count: 1, failure: final }];
  return { ranges: [{ start: index, end: index + 1, deliveries }], finals: [final] };
}
