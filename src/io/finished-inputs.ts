import type { JoblogEncoding, JoblogFormat } from './joblog.js';
import { readJoblogRows } from './joblog-rows.js';

/**
 * The inputs an earlier run settled, by identity: how many rows of its joblog name each text.
 * The k-th input of a text, in the order they are asked about, is settled while k is within
 * that count, whatever its place in the list: a list regenerated, shuffled or extended since
 * finds each of its inputs. A text's entry goes once its rows are used up, so memory is bounded
 * by the old joblog and shrinks as the run meets its inputs.
 */
export class FinishedInputs {
  private readonly counts = new Map<string, number>();

  add(text: string): void {
    this.counts.set(text, (this.counts.get(text) ?? 0) + 1);
  }

  /** Whether one more input of this text was settled; if so, that row is used up. */
  take(text: string): boolean {
    const count = this.counts.get(text);
    if (count === undefined) return false;
    if (count === 1) this.counts.delete(text);
    else this.counts.set(text, count - 1);
    return true;
  }

  /** Texts with rows not used up yet. */
  get size(): number {
    return this.counts.size;
  }
}

/**
 * What the joblog at PATH shows as settled: every row (--resume), or only the rows that
 * succeeded (`succeededOnly`, --resume-failed: the failed ones run again). `key` is what names
 * an input, from the text of its row, read as `encoding` says, and a GNU parallel row's Seq.
 */
export function finishedInJoblog(path: string, succeededOnly: boolean, key: (text: string, seq?: number) => string, encoding: JoblogEncoding, format: JoblogFormat): FinishedInputs {
  const finished = new FinishedInputs();
  readJoblogRows(path, encoding, format, (text, ok, seq) => {
    if (ok || !succeededOnly) finished.add(key(text, seq));
  });
  return finished;
}
