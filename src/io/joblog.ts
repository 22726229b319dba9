import { closeSync, ftruncateSync, openSync, readSync } from 'node:fs';
import { fdStats } from '../system/sync-stat.js';
import { gnuExit } from '../model/gnu-exit.js';
import type { JobRecord } from '../model/delivery.js';
import { PrunError } from '../errors.js';
import { cannotWrite } from './cannot-write.js';
import { describeSystemError } from './system-error.js';
import { appendWhole, endOfLastRecord } from './whole-records.js';

export const HEADER = 'index\tinput\tstatus\tattempts\tduration\terror\n';
/** GNU parallel's joblog, which `prun exec` writes: tools read its Exitval with `cut -f 7`. */
export const GNU_HEADER = 'Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\n';

/**
 * What a write that failed (a full disk) leaves the joblog short of: said after the error.
 * `whose`: how the message names the joblog.
 */
export function rowlessResults(whose: string): string {
  return `; inputs whose results came after ${whose} last row have none, and --resume would run them again`;
}

/**
 * A row of GNU parallel's joblog: Seq, Host, Starttime, JobRuntime, Send, Receive, Exitval,
 * Signal, then the command, which may hold tabs.
 */
export function gnuRowColumns(row: string): string[] | undefined {
  const columns = row.split('\t');
  const [seq, , , , , , exitval, signal] = columns;
  if (columns.length < 9 || !/^\d+$/.test(seq!) || !/^-?\d+$/.test(exitval!) || !/^\d+$/.test(signal!)) return undefined;
  return columns;
}

/** prun's columns, or GNU parallel's (for exec). */
export type JoblogFormat = 'prun' | 'gnu';

/**
 * How inputs are written in it: as UTF-8 text (a script's), or byte for byte (latin1 byte
 * strings, exec's: see model/byte-string.ts), as GNU parallel writes its command lines.
 */
export type JoblogEncoding = 'utf8' | 'latin1';

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
    private readonly encoding: JoblogEncoding,
  ) {}

  private get header(): string {
    return this.format === 'gnu' ? GNU_HEADER : HEADER;
  }

  /**
   * Opens PATH to append to, creating it with a header. A last row cut short (by a crash or
   * a full disk) is dropped, with `warn`, so that the next row is not glued to it.
   */
  static open(path: string, warn: (line: string) => void, format: JoblogFormat = 'prun', encoding: JoblogEncoding = 'utf8'): Joblog {
    // GNU parallel's `--joblog -` is its stdout, which here carries the results alone; a file
    // named `-` made in the working directory would be a surprise
    if (path === '-') throw new PrunError('ERR_USAGE', '--joblog - is not supported: stdout carries the results; give a file');
    let fd: number;
    try {
      fd = openSync(path, 'a+');
    } catch (error) {
      throw cannotWrite(`--joblog ${path}`, error);
    }
    const log = new Joblog(fd, path, format, encoding);
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
    // rows are written once their inputs' output is out, and more output may follow before
    // the next rows: the user is told that --resume repeats those inputs. Was: only the error
    this.append(text, rowlessResults('its'));
  }

  close(): void {
    closeSync(this.fd);
  }

  private prepare(warn: (line: string) => void): void {
    const stats = fdStats(this.fd);
    // /dev/zero or a FIFO would be read forever
    if (!stats.isFile()) throw new PrunError('ERR_USAGE', `--joblog ${this.path} is not a regular file`);
    const size = stats.size;
    const header = this.header;
    if (size === 0) return this.append(header);
    const head = this.read(0, Math.min(size, header.length)).toString('utf8');
    const headed = header.startsWith(head);
    if (!headed && !this.headerless(size)) throw new PrunError('ERR_USAGE', `--joblog ${this.path} is not a ${this.format === 'gnu' ? 'GNU parallel' : 'prun'} joblog (its first line is not ${JSON.stringify(header.trimEnd())})`);
    // a file shorter than the header holds a torn header
    const whole = headed && size < header.length ? 0 : endOfLastRecord(this.fd, size, 0x0a);
    if (whole === size) return;
    try {
      ftruncateSync(this.fd, whole);
    } catch (error) {
      // an append-only joblog (chattr +a) cannot be cut: one line, not a stack (a review)
      throw cannotWrite(`--joblog ${this.path} (to drop a partial last row)`, error);
    }
    warn(`prun: --joblog ${this.path}: dropped a partial last row (${size - whole} bytes, as a crash or a full disk leaves it)`);
    if (whole === 0) this.append(header);
  }

  /**
   * GNU parallel's `--joblog +FILE` starts FILE without a header: its first line is a row
   * (was: refused, so a run of GNU parallel could not be resumed by prun exec).
   */
  private headerless(size: number): boolean {
    if (this.format !== 'gnu') return false;
    const start = this.read(0, Math.min(size, 1 << 16)).toString(this.encoding);
    const end = start.indexOf('\n');
    return end > 0 && gnuRowColumns(start.slice(0, end)) !== undefined;
  }

  private read(position: number, length: number): Buffer {
    const buffer = Buffer.alloc(length);
    const got = readSync(this.fd, buffer, 0, length, position);
    return buffer.subarray(0, got);
  }

  /** `unrecorded`: what a failed write leaves out of the joblog, said after the error (nothing, for the header). */
  private append(text: string, unrecorded = ''): void {
    try {
      appendWhole(this.fd, Buffer.from(text, this.encoding));
    } catch (error) {
      throw new PrunError('ERR_OUTPUT', `cannot write --joblog ${this.path}: ${describeSystemError(error as NodeJS.ErrnoException)}${unrecorded}`);
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
  const start = ((record.endedAt - (record.durationMs ?? 0)) / 1000).toFixed(3);
  const { exitval, signal } = gnuExit(record.status, record.code, record.signal);
  return `${record.index + 1}\t:\t${start}\t${seconds.toFixed(3).padStart(10)}\t0\t0\t${exitval}\t${signal}\t${escape(record.input)}\n`;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' };
const UNESCAPES: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r', '0': '\0' };

/** Tabs, newlines and NULs (which join the arguments of a ::: combination) must not break the rows. */
function escape(text: string): string {
  return text.replace(/[\\\t\n\r\0]/g, (c) => ESCAPES[c]!);
}

/** A column as the input it was written from; a backslash before anything else stays as it is. */
export function unescapeColumn(text: string): string {
  return text.includes('\\') ? text.replace(/\\([\\tnr0])/g, (_, c: string) => UNESCAPES[c]!) : text;
}
