// Design (b): node:child_process.spawn for every job, output piped back and buffered whole.
// usage: node spawn-per-job.mjs N JOBS
import './ballast.mjs';
import { spawn } from 'node:child_process';

const n = Number(process.argv[2]);
const jobs = Number(process.argv[3]);
let next = 0;
function start() {
  if (next >= n) return;
  const i = ++next;
  const child = spawn('/bin/sh', ['-c', `true ${i}`], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const out = [];
  child.stdout.on('data', (chunk) => out.push(chunk));
  child.stderr.on('data', () => {});
  child.on('close', (code) => {
    if (code !== 0) process.exitCode = 1;
    if (out.length) process.stdout.write(Buffer.concat(out));
    start();
  });
}
for (let j = 0; j < jobs; j++) start();
