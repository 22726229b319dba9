// Start-up floor for processes: one child_process.fork of a tiny script running one function.
// usage: echo 5 | node start-fork.mjs
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';

const input = readFileSync(0, 'utf8').trim();
const child = fork(new URL('./fork-child.mjs', import.meta.url));
child.once('message', (result) => process.stdout.write(result + '\n'));
child.send(input);
