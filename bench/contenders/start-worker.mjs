// Start-up floor for threads: one `new Worker` running an inline function (eval: true) on one input.
// usage: echo 5 | node start-worker.mjs
import { Worker } from 'node:worker_threads';
import { readFileSync } from 'node:fs';

const source = `
const { parentPort } = require('node:worker_threads');
const square = (line) => { const x = Number(line); return String(x * x); };
parentPort.once('message', (line) => parentPort.postMessage(square(line)));
`;
const input = readFileSync(0, 'utf8').trim();
const worker = new Worker(source, { eval: true });
worker.once('message', (result) => {
  process.stdout.write(result + '\n');
  void worker.terminate();
});
worker.postMessage(input);
