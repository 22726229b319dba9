import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { JobRecord } from '../engine/delivery.js';
import { PrunError } from '../errors.js';

const HEADER = 'index\tinput\tstatus\tattempts\tduration\terror\n';

/**
 * A tab-separated record of every settled input, appended with one write per batch of
 * records as they settle. Writes go straight to the file descriptor (no buffer in this
 * process), so a crash of prun loses no record it had written.
 */
export class Joblog {
  private constructor(private readonly fd: number) {}

  static open(path: string): Joblog {
    let fd: number;
    try {
      const fresh = !existsSync(path) || readFileSync(path).length === 0;
      fd = openSync(path, 'a');
      if (fresh) writeSync(fd, HEADER);
    } catch (error) {
      throw new PrunError('ERR_INPUT', `cannot write --joblog ${path}: ${(error as Error).message}`);
    }
    return new Joblog(fd);
  }

  write(records: readonly JobRecord[]): void {
    if (records.length === 0) return;
    let text = '';
    for (const record of records) text += formatRow(record);
    writeSync(this.fd, text);
  }

  close(): void {
    closeSync(this.fd);
  }
}

function formatRow(record: JobRecord): string {
  const duration = record.durationMs === undefined ? '' : (record.durationMs / 1000).toFixed(3);
  return `${record.index}\t${escape(record.input)}\t${record.status}\t${record.attempts}\t${duration}\t${escape(record.error ?? '')}\n`;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' };

/** Tabs, newlines and NULs (which join the arguments of a ::: combination) must not break the rows. */
function escape(text: string): string {
  return text.replace(/[\\\t\n\r\0]/g, (c) => ESCAPES[c]!);
}

/**
 * The inputs a joblog shows as finished, by index (as GNU parallel's --resume: the inputs
 * must be the same as in the run that wrote it). The last row of an index wins.
 * With `failedToo`, failed ones count as unfinished, so that they run again.
 */
export function finishedInJoblog(path: string, failedToo: boolean): Set<number> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw new PrunError('ERR_INPUT', `cannot read --joblog ${path}: ${(error as Error).message}`);
  }
  const status = new Map<number, number>();
  let line = 0;
  for (const row of text.split('\n')) {
    line++;
    if (row === '' || row === HEADER.trimEnd()) continue;
    const [index, , code] = row.split('\t');
    if (!/^\d+$/.test(index ?? '') || !/^\d+$/.test(code ?? '')) {
      throw new PrunError('ERR_INPUT', `${path}:${line}: not a prun joblog row`);
    }
    status.set(Number(index), Number(code));
  }
  const finished = new Set<number>();
  for (const [index, code] of status) if (code === 0 || !failedToo) finished.add(index);
  return finished;
}
