import { type ExecInputOptions, headerRecord, toRecord } from './exec-inputs.js';

/**
 * Under --colsep, each input of one source is a line cut into columns. --failed-out writes a
 * failure back as such a line, so that the same --colsep reads it back as the same columns:
 * one line a job, however many columns each has (was: a line a column, read back with -N,
 * which made other jobs as soon as two lines had not the same number of columns).
 */
export interface ColumnLines {
  /** The line of a job's columns; undefined when no separator gives them back (said once). */
  line(columns: readonly string[]): string | undefined;
  /** The line of --header's columns, read back as the header is (untrimmed). */
  headerLine(columns: readonly string[]): string | undefined;
}

// tried after the one the user typed: the usual separators of columns
const USUAL_SEPARATORS = ['\t', ',', ';', '|', ' ', ':'];

/**
 * `typed` is --colsep as typed, as a byte string (`,` or `::`; `\t` typed is no tab, and falls
 * to the usual ones). A separator is one the pattern matches whole; a line is kept only if
 * reading it back gives the columns (a trim, -E or a capture group could make it otherwise).
 */
export function columnLines(options: ExecInputOptions & { colsep: RegExp }, typed: string | undefined): ColumnLines {
  // never one holding what ends an input (`-d ';' --colsep '[;|]'`): read back, the line would be two
  const terminator = options.delimiter ?? String.fromCharCode(options.separator);
  const separators = [...new Set([...(typed === undefined ? [] : [typed]), ...USUAL_SEPARATORS])].filter(
    (separator) => separator.length > 0 && !separator.includes(terminator) && isWholeMatch(separator, options.colsep),
  );
  const joined = (columns: readonly string[], read: (line: string) => unknown): string | undefined => {
    // one column needs none (was: refused, and a warning, where the pattern matched none of them: a review)
    for (const separator of columns.length === 1 ? [''] : separators) {
      const line = columns.join(separator);
      if (sameColumns(read(line), columns)) return line;
    }
    return undefined;
  };
  // read back quietly: a NUL's warning is the run's to give, once
  const quiet = { ...options, onNul: undefined };
  return {
    line: (columns) => joined(columns, (line) => toRecord(line, quiet)),
    headerLine: (columns) => joined(columns, (line) => headerRecord(line, quiet)),
  };
}

/** Whether the pattern, splitting the separator alone, finds one match that is all of it. */
function isWholeMatch(separator: string, colsep: RegExp): boolean {
  const pieces = separator.split(colsep);
  return pieces.length === 2 && pieces[0] === '' && pieces[1] === '';
}

function sameColumns(read: unknown, columns: readonly string[]): boolean {
  return Array.isArray(read) && read.length === columns.length && read.every((column, index) => column === columns[index]);
}
