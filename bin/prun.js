#!/usr/bin/env node
import { writeSync } from 'node:fs';

const args = process.argv.slice(2);
const { main, flushOutput, releaseHungUpTerminal } = await loadCli().catch(cannotLoad);

// let what is written reach the readers before the process ends, unless stdout's reader is gone
const code = await flushOutput(await main(args));
releaseHungUpTerminal();
process.exit(code);

async function loadCli() {
  if (args[0] === 'map' && args.some((arg) => arg === '--threads' || arg.startsWith('--threads='))) {
    const { takeStdout, prestartThreadFor, joblogAsked, noteChildrenBornWith } = await import('../dist/cli/prestart.js');
    // a process substitution (`> >(reader)`) is prun's child but the shell's: spared at the end (src/cli/end-descendants.ts)
    noteChildrenBornWith();
    // user code will run in this process: results get a descriptor of their own, and fd 1 is
    // pointed at stderr, before any other thread exists (src/cli/stdout-takeover.ts)
    await takeStdout(joblogAsked(args));
    // a worker thread boots while the CLI's modules load, rather than after (src/runtime/thread-spawn.ts)
    prestartThreadFor(args);
  } else {
    // results on a pipe get a description of their own, before anything asks for process.stdout
    // (src/cli/stdout-takeover.ts): other writers of the pipe keep theirs blocking
    const { ownStdoutPipe } = await import('../dist/cli/prestart.js');
    ownStdoutPipe();
  }
  return import('../dist/cli/main.js');
}

/**
 * Loading prun's own modules opens several files at once: under a very low `ulimit -n` that
 * fails with EMFILE before any of prun runs (was: Node's stack trace, exit 1). Said in one
 * line, as a set-up error; any other failure here is a bug, and keeps its stack.
 */
function cannotLoad(error) {
  if (error?.code !== 'EMFILE' && error?.code !== 'ENFILE') throw error;
  writeSync(2, `prun: too few file handles to start (${error.code}): raise the limit of open files (ulimit -n)\n`);
  process.exit(2);
}
