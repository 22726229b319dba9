import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { PrunError } from '../errors.js';
import { GNU_HEADER, gnuRowColumns, HEADER, type JoblogEncoding, type JoblogFormat, unescapeColumn } from './joblog.js';

/**
 * Reads the rows of a joblog, prun's or GNU parallel's, in the order they were written: for
 * each, the text that names its input (prun's `input` column; GNU parallel's `Command`),
 * whether it succeeded, and in GNU parallel's form its `Seq` (the job's place, from 1). A chunk at a time: a joblog of millions of rows is never held whole.
 * A file that does not exist has no rows. Its header says whose it is; one without a header
 * is taken as `format` (GNU parallel's `--joblog +FILE` writes none).
 */
export function readJoblogRows(path: string, encoding: JoblogEncoding, format: JoblogFormat, onRow: OnRow): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new PrunError('ERR_INPUT', `cannot read --joblog ${path}: ${(error as Error).message}`);
  }
  try {
    let parse: ((row: string, line: number) => void) | undefined;
    let line = 0;
    const take = (row: string): void => {
      line++;
      if (row === '' || row === HEADER.trimEnd() || row === GNU_HEADER.trimEnd()) {
        if (line === 1) parse = row === GNU_HEADER.trimEnd() ? gnuRow(path, onRow) : prunRow(path, onRow);
        return;
      }
      (parse ??= format === 'gnu' ? gnuRow(path, onRow) : prunRow(path, onRow))(row, line);
    };
    const decoder = new StringDecoder(encoding);
    const buffer = Buffer.alloc(1 << 16);
    let rest = '';
    for (;;) {
      const got = readSync(fd, buffer, 0, buffer.length, null);
      if (got === 0) break;
      const rows = (rest + decoder.write(buffer.subarray(0, got))).split('\n');
      rest = rows.pop()!;
      for (const row of rows) take(row);
    }
    rest += decoder.end();
    // a last row with no newline (Joblog.open drops one, as a crash leaves it; a file from elsewhere may have one)
    if (rest !== '') take(rest);
  } finally {
    closeSync(fd);
  }
}

type RowParser = (row: string, line: number) => void;
type OnRow = (text: string, ok: boolean, seq?: number) => void;

/** index, input, status, attempts, duration, error: the input escaped, status 0 for success. */
function prunRow(path: string, onRow: OnRow): RowParser {
  return (row, line) => {
    const [index, input, status] = row.split('\t');
    if (!/^\d+$/.test(index ?? '') || !/^\d+$/.test(status ?? '')) throw new PrunError('ERR_INPUT', `${path}:${line}: not a prun joblog row`);
    onRow(unescapeColumn(input ?? ''), status === '0');
  };
}

/**
 * Seq Host Starttime JobRuntime Send Receive Exitval Signal Command: done when Exitval and
 * Signal are 0. prun escapes its Command column (the job's input) as its own; GNU parallel
 * writes the command line as it ran, tabs and all.
 */
function gnuRow(path: string, onRow: OnRow): RowParser {
  return (row, line) => {
    const columns = gnuRowColumns(row);
    if (!columns) throw new PrunError('ERR_INPUT', `${path}:${line}: not a GNU parallel joblog row`);
    onRow(unescapeColumn(columns.slice(8).join('\t')), columns[6] === '0' && columns[7] === '0', Number(columns[0]));
  };
}
