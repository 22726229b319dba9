// Floor: one Node process, readline over the file, the same function, output buffered 1000 lines at a time.
// usage: node loop.mjs square|fibLine FILE
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { fns } from './fns.mjs';

const [fnName, file] = process.argv.slice(2);
const fn = fns[fnName];
const input = file ? createReadStream(file) : process.stdin;
let buffer = [];
for await (const line of createInterface({ input, crlfDelay: Infinity })) {
  buffer.push(fn(line));
  if (buffer.length === 1000) {
    if (!process.stdout.write(buffer.join('\n') + '\n')) await new Promise((r) => process.stdout.once('drain', r));
    buffer = [];
  }
}
if (buffer.length > 0) process.stdout.write(buffer.join('\n') + '\n');
