#!/usr/bin/env node
// a worker thread boots while the CLI's modules load, rather than after (src/runtime/thread-spawn.ts)
const args = process.argv.slice(2);
if (args[0] === 'map' && args.some((arg) => arg === '--threads' || arg.startsWith('--threads='))) {
  (await import('../dist/cli/prestart.js')).prestartThread();
}
const { main } = await import('../dist/cli/main.js');

const code = await main(args);
// let what is written reach the readers before the process ends, unless stdout's reader is gone
if (code === 141) process.exit(code);
let unflushed = 2;
const flushed = () => --unflushed === 0 && process.exit(code);
process.stdout.write('', flushed);
process.stderr.write('', flushed);
