import { closeSync, fstatSync, ftruncateSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import type { JobRecord } from '../engine/delivery.js';
import { PrunError } from '../errors.js';
import { describeSystemError } from './system-error.js';

import { constants } from 'node:os';

const HEADER = 'index\tinput\tstatus\tattempts\tduration\terror\n';
/** GNU parallel's joblog, which `prun exec` writes: tools read its Exitval with `cut -f 7`. */
const GNU_HEADER = 'Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\n';

/** prun's columns, or GNU parallel's (for exec). */
export type JoblogFormat = 'prun' | 'gnu';

/**
 * A tab-separated record of settled inputs, appended with one write per batch of records.
 * Writes go straight to the file descriptor (no buffer in this process), so a crash of prun
 * loses no record it had written; a write that fails is taken back whole, so the file only
 * ever holds whole rows (but for a crash in the middle of one write).
 */
export class Joblog {
  private constructor(
    private readonly fd: number,
    private readonly path: string,
    private readonly format: JoblogFormat,
  ) {}

  private get header(): string {
    return this.format === 'gnu' ? GNU_HEADER : HEADER;
  }

  /**
   * Opens PATH to append to, creating it with a header. A last row cut short (by a crash or
   * a full disk) is dropped, with `warn`, so that the next row is not glued to it.
   */
  static open(path: string, warn: (line: string) => void, format: JoblogFormat = 'prun'): Joblog {
    let fd: number;
    try {
      fd = openSync(path, 'a+');
    } catch (error) {
      throw new PrunError('ERR_INPUT', `cannot write --joblog ${path}: ${describeSystemError(error as NodeJS.ErrnoException)}`);
    }
    const log = new Joblog(fd, path, format);
    try {
      log.prepare(warn);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    return log;
  }

  write(records: readonly JobRecord[]): void {
    if (records.length === 0) return;
    let text = '';
    for (const record of records) text += this.format === 'gnu' ? formatGnuRow(record) : formatRow(record);
    this.append(text);
  }

  close(): void {
    closeSync(this.fd);
  }

  private prepare(warn: (line: string) => void): void {
    const stats = fstatSync(this.fd);
    // /dev/zero or a FIFO would be read forever
    if (!stats.isFile()) throw new PrunError('ERR_USAGE', `--joblog ${this.path} is not a regular file`);
    const size = stats.size;
    const header = this.header;
    if (size === 0) return this.append(header);
    const head = this.read(0, Math.min(size, header.length)).toString('utf8');
    if (!header.startsWith(head)) throw new PrunError('ERR_USAGE', `--joblog ${this.path} is not a ${this.format === 'gnu' ? 'GNU parallel' : 'prun'} joblog (its first line is not ${JSON.stringify(header.trimEnd())})`);
    const whole = size < header.length ? 0 : this.endOfLastRow(size);
    if (whole === size) return;
    ftruncateSync(this.fd, whole);
    warn(`prun: --joblog ${this.path}: dropped a partial last row (${size - whole} bytes, as a crash or a full disk leaves it)`);
    if (whole === 0) this.append(header);
  }

  /** The offset just past the last newline: the end of the last whole row. */
  private endOfLastRow(size: number): number {
    const CHUNK = 1 << 16;
    for (let end = size; end > 0; end -= CHUNK) {
      const start = Math.max(0, end - CHUNK);
      const newline = this.read(start, end - start).lastIndexOf(0x0a);
      if (newline >= 0) return start + newline + 1;
    }
    return 0;
  }

  private read(position: number, length: number): Buffer {
    const buffer = Buffer.alloc(length);
    const got = readSync(this.fd, buffer, 0, length, position);
    return buffer.subarray(0, got);
  }

  private append(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(this.fd, bytes, done);
    } catch (error) {
      // a row cut short would be glued to the next one: back to the last whole row
      if (done > 0) ftruncateSync(this.fd, fstatSync(this.fd).size - done);
      throw new PrunError('ERR_OUTPUT', `cannot write --joblog ${this.path}: ${describeSystemError(error as NodeJS.ErrnoException)}`);
    }
  }
}

function formatRow(record: JobRecord): string {
  const duration = record.durationMs === undefined ? '' : (record.durationMs / 1000).toFixed(3);
  return `${record.index}\t${escape(record.input)}\t${record.status}\t${record.attempts}\t${duration}\t${escape(record.error ?? '')}\n`;
}

/**
 * A row as GNU parallel writes it: Seq from 1, Host `:` (this machine), Starttime in epoch
 * seconds, JobRuntime padded as GNU pads it, Send and Receive 0, Exitval, Signal (its number),
 * and, where GNU parallel has the command line, the input: prun keeps no command line.
 */
function formatGnuRow(record: JobRecord): string {
  const seconds = (record.durationMs ?? 0) / 1000;
  const start = (Date.now() / 1000 - seconds).toFixed(3);
  const signalName = /killed by (SIG[A-Z0-9]+)/.exec(record.error ?? '')?.[1];
  const signal = signalName ? (constants.signals as Record<string, number>)[signalName] ?? 0 : 0;
  const exitval = signal ? 0 : record.status;
  return `${record.index + 1}\t:\t${start}\t${seconds.toFixed(3).padStart(10)}\t0\t0\t${exitval}\t${signal}\t${escape(record.input)}\n`;
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
  if (text.startsWith(GNU_HEADER)) return finishedInGnuJoblog(path, text, failedToo);
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

/** The same of a GNU parallel joblog: Seq is the input's index from 1; done is Exitval and Signal 0. */
function finishedInGnuJoblog(path: string, text: string, failedToo: boolean): Set<number> {
  const succeeded = new Map<number, boolean>();
  text.split('\n').forEach((row, i) => {
    if (i === 0 || row === '') return;
    const columns = row.split('\t');
    const [seq, , , , , , exitval, signal] = columns;
    if (!/^\d+$/.test(seq ?? '') || !/^-?\d+$/.test(exitval ?? '') || !/^\d+$/.test(signal ?? '')) {
      throw new PrunError('ERR_INPUT', `${path}:${i + 1}: not a GNU parallel joblog row`);
    }
    succeeded.set(Number(seq) - 1, exitval === '0' && signal === '0');
  });
  const finished = new Set<number>();
  for (const [index, ok] of succeeded) if (ok || !failedToo) finished.add(index);
  return finished;
}
