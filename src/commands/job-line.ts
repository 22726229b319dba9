import { join } from 'node:path';
import { writeNewFileOrNone } from '../io/write-file-whole.js';
import { toByteString } from '../model/byte-string.js';
import { shellQuote } from './shell-quote.js';

/**
 * Longer commands go through a file. The lane's `read` takes one byte per system call (about
 * 1 µs each here, so 1 ms for a 1000-byte command), while writing a file and having the job's
 * shell read it costs about what 100 bytes do.
 */
const INLINE_MAX = 100;

/** What the job's environment says of it: GNU parallel's $PARALLEL_SEQ and $PARALLEL_JOBSLOT. */
export interface JobPlace {
  seq: number;
  slot: number;
  /** The shell the job runs in. */
  shell: string;
}

/**
 * The line that gives a lane a job (see lane-script.ts): the job's file stem, its number,
 * its slot, its shell, and the shell text, tab-separated, in bytes. A command holding a newline, or a long one, is written to
 * DIR/STEM.sh and the line says `. FILE`: the job's own `sh -c` reads it from there.
 * That also keeps any command clear of the kernel's limit on one argument (128 KiB).
 * Throws when the file cannot be written whole (a full disk), leaving none.
 */
export function jobLine(dir: string, stem: string, command: string, place: JobPlace): { line: string; script: string | undefined } {
  const head = `${stem}\t${place.seq}\t${place.slot}\t${place.shell}\t`;
  if (command.length > INLINE_MAX || command.includes('\n')) {
    const script = join(dir, `${stem}.sh`);
    // a command cut short must never run
    writeNewFileOrNone(script, command, 'latin1');
    return { line: `${head}. ${shellQuote(toByteString(script))}\n`, script };
  }
  return { line: `${head}${command}\n`, script: undefined };
}
