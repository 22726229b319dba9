import { shellQuote } from './shell-quote.js';

/**
 * The longest command given to the block's shell as one argument: the kernel refuses an argument
 * past 128 KiB (MAX_ARG_STRLEN) with E2BIG. Past it the command runs in braces, as it once did.
 */
const ARGUMENT_MAX = 100 * 1024;

/**
 * A --pipe job: COMMAND with the block in FILE on its stdin through a pipe, as GNU parallel
 * gives a block (some commands tell a file from a pipe: wc pads its counts). COMMAND runs in a
 * shell of its own at the pipe's end, as GNU parallel's `SHELL -c COMMAND` does, so that `$$`
 * is the shell that runs it. Was: `cat FILE | { COMMAND }`, where `$$` was the shell above the
 * pipeline, and `kill -9 $$` left the rest of COMMAND running in the subshell.
 */
export function blockCommand(file: string, command: string, shell: string): string {
  const feed = `cat ${shellQuote(file)} |`;
  if (command.length > ARGUMENT_MAX) return `${feed} { ${command}\n}`;
  // `exec`: the pipeline's subshell becomes the command's shell, one process fewer. The shell
  // above reports a pipeline killed by a signal ("Killed", bash) on its stderr, which is the
  // job's: that goes to /dev/null, the command's stderr to the job's (fd 3 meanwhile).
  return `{ ${feed} exec ${shellQuote(shell)} -c -- ${shellQuote(command)} 2>&3 3>&-; } 3>&2 2>/dev/null`;
}
