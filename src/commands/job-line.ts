import { join } from 'node:path';
import { writeNewFileOrNone } from '../io/write-file-whole.js';
import { toByteString } from '../model/byte-string.js';
import { shellQuote } from './shell-quote.js';

/**
 * Commands up to this long go to the lane in its input, newlines and all; longer ones through
 * a file. The lane's `read` takes one byte per system call, where writing a file and having the
 * job's shell read it costs about what 100 bytes do: 1,000 jobs of a 1,000-byte command took
 * 7.3 s inline against 6.1 s through files, of a 150-byte one 6.5 s against 6.3 s (-j2, means
 * of 6). A command that comes in a file runs as `. FILE`, which a shell runs as it runs the
 * text but for details: a `return` at the top ends it, $BASH_SOURCE is set, its errors name the
 * file. Reading the file back into `SHELL -c -- COMMAND` instead cost a fork a job, which
 * doubled the time of those 1,000 jobs of 150 bytes (6.2 s to 14.5 s). Past this length it is
 * -X and -m that make commands, of many arguments: the file saves them most.
 */
const INLINE_MAX = 1024;

/** What the job's environment says of it: GNU parallel's $PARALLEL_SEQ and $PARALLEL_JOBSLOT. */
export interface JobPlace {
  seq: number;
  slot: number;
  /** The shell the job runs in. */
  shell: string;
}

/**
 * The line that gives a lane a job (see lane-script.ts): the job's file stem, its number, its
 * slot, its shell, how many lines follow, and the command, tab-separated, in bytes. A command
 * holding newlines is its lines, the first on this line and the rest after it, so that the
 * job's `SHELL -c` gets it as typed, as GNU parallel gives it (was: any command holding a
 * newline or past 100 bytes ran as `. FILE`, so that the shell's errors named the file,
 * `/dev/shm/prun-exec-…/0.sh: line 2:` where GNU parallel's say `/bin/bash: line 2:`). A
 * longer one is written to DIR/STEM.sh, and the line says `. FILE`: that also keeps any command
 * clear of the kernel's limit on one argument (128 KiB). Throws when the file cannot be written
 * whole (a full disk), leaving none.
 */
export function jobLine(dir: string, stem: string, command: string, place: JobPlace): { line: string; script: string | undefined } {
  const head = `${stem}\t${place.seq}\t${place.slot}\t${place.shell}\t`;
  if (command.length > INLINE_MAX) {
    const script = join(dir, `${stem}.sh`);
    // a command cut short must never run
    writeNewFileOrNone(script, command, 'latin1');
    return { line: `${head}0\t. ${shellQuote(toByteString(script))}\n`, script };
  }
  return { line: `${head}${command.split('\n').length - 1}\t${command}\n`, script: undefined };
}
