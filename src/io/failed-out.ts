import { closeSync, ftruncateSync } from 'node:fs';
import { fdStats } from '../system/sync-stat.js';
import { openOutput } from './fifo-reader.js';
import { isStderrFile } from './same-file.js';
import { PrunError } from '../errors.js';
import { cannotWrite } from './cannot-write.js';
import { describeSystemError } from './system-error.js';
import { appendWhole, endOfLastRecord } from './whole-records.js';

export interface FailedOutOptions {
  /** What ends each input written: a newline, NUL (-0), or exec's -d delimiter. */
  terminator: string;
  /** How inputs are written: UTF-8 text, or byte strings byte for byte (latin1; the terminator too). */
  encoding: 'utf8' | 'latin1';
  /** Keep what the file holds (--resume: the failures of the run resumed are still failures). */
  append: boolean;
  /** Told of what the reader of the file should know: a torn last input dropped, an input that cannot be read back. */
  warn: (line: string) => void;
  /**
   * Written first into a file begun empty, as an input's arguments are: exec's --header names,
   * so that the file is read back with the same --header (was: none, and read back so, its
   * first failure was taken for the header: dropped, and the next ones' columns misnamed).
   */
  header?: readonly string[] | undefined;
}

/**
 * --failed-out FILE: the inputs that failed for good, each as its text followed by the
 * terminator, written as they fail, so that FILE can be given back as the input of the next
 * run. Written straight to the file descriptor, as the joblog is: a crash loses no input
 * written, and a write cut short by a full disk is taken back, so the file holds only whole inputs.
 */
export class FailedOut {
  private warnedOfTerminator = false;

  private constructor(
    private readonly fd: number,
    private readonly path: string,
    private readonly options: FailedOutOptions,
  ) {}

  static open(path: string, options: FailedOutOptions): FailedOut {
    let fd: number;
    try {
      // appending even to a file begun afresh: a write taken back must leave no gap before the next one
      fd = openOutput(path, options.append ? 'a+' : 'a');
    } catch (error) {
      throw cannotWrite(`--failed-out ${path}`, error);
    }
    // the file stderr goes to (`--failed-out /dev/stderr 2> log`) is written through stderr, at
    // its offset, and never emptied: it is the user's, and prun's lines go there too (was:
    // emptied, a log lost, and the failures written over by the lines after them)
    if (isStderrFile(fd)) {
      closeSync(fd);
      return new FailedOut(2, path, options);
    }
    const out = new FailedOut(fd, path, options);
    let begun: boolean;
    try {
      if (options.append) out.dropTornLast();
      else if (fdStats(fd).isFile()) ftruncateSync(fd, 0);
      // appended to, a file holds its header already, unless it was empty
      const stats = options.append ? fdStats(fd) : undefined;
      begun = stats === undefined || !stats.isFile() || stats.size === 0;
    } catch (error) {
      closeSync(fd);
      // an append-only file (chattr +a) opens, and then cannot be emptied: one line, not a stack
      throw cannotWrite(`--failed-out ${path}`, error);
    }
    if (begun && options.header) out.write([options.header]);
    return out;
  }

  /** Appends inputs, each as the arguments it consists of (one for map), each argument ended by the terminator. */
  write(inputs: readonly (readonly string[])[]): void {
    const { terminator } = this.options;
    let text = '';
    for (const args of inputs) {
      for (const arg of args) {
        if (!this.warnedOfTerminator && arg.includes(terminator)) {
          this.warnedOfTerminator = true;
          this.options.warn(`prun: --failed-out ${this.path}: an input holds ${describeTerminator(terminator)}, which ends inputs in it: read back, it is more than one (-0 ends them with NUL)`);
        }
        text += arg + terminator;
      }
    }
    if (text === '') return;
    try {
      appendWhole(this.fd, Buffer.from(text, this.options.encoding));
    } catch (error) {
      // their failures were reported on stderr all the same: the user is told the file misses them
      throw new PrunError('ERR_OUTPUT', `cannot write --failed-out ${this.path}: ${describeSystemError(error as NodeJS.ErrnoException)}; failures reported after its last input are not in it`);
    }
  }

  close(): void {
    if (this.fd !== 2) closeSync(this.fd);
  }

  /** An input cut short by a crash would be read back as another input, and the next one glued to it. */
  private dropTornLast(): void {
    const stats = fdStats(this.fd);
    const size = stats.size;
    const terminator = Buffer.from(this.options.terminator, this.options.encoding);
    // a FIFO or a device is written to as it is
    if (!stats.isFile() || size === 0 || terminator.length !== 1) return;
    const whole = endOfLastRecord(this.fd, size, terminator[0]!);
    if (whole === size) return;
    ftruncateSync(this.fd, whole);
    this.options.warn(`prun: --failed-out ${this.path}: dropped a partial last input (${size - whole} bytes, as a crash or a full disk leaves it)`);
  }
}

function describeTerminator(terminator: string): string {
  return terminator === '\n' ? 'a newline' : terminator === '\0' ? 'a NUL' : JSON.stringify(terminator);
}
