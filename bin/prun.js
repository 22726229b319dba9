#!/usr/bin/env node
const args = process.argv.slice(2);
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
const { main, flushOutput, releaseHungUpTerminal } = await import('../dist/cli/main.js');

// let what is written reach the readers before the process ends, unless stdout's reader is gone
const code = await flushOutput(await main(args));
releaseHungUpTerminal();
process.exit(code);
