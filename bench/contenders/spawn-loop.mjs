// Floor for exec: Node's child_process.spawn, JOBS at a time, one program run per input line.
// usage: node spawn-loop.mjs PROGRAM JOBS < FILE
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const [program, jobsArg] = process.argv.slice(2);
const inputs = readFileSync(0, 'utf8').split('\n').filter((l) => l !== '');
let next = 0;
let failed = 0;

function startNext() {
  if (next >= inputs.length) return;
  const child = spawn(program, [inputs[next++]], { stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('exit', (code) => {
    if (code !== 0) failed++;
    startNext();
  });
}

for (let i = 0; i < Number(jobsArg); i++) startNext();
process.on('exit', () => {
  if (failed > 0) process.exitCode = 1;
});
