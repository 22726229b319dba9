// piscina 5 with 2 threads: one task per input (BATCH=1) or batches of BATCH lines, results in input
// order, at most 1024 tasks outstanding.
// usage: node piscina-map.mjs BATCH FILE
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Piscina } from 'piscina';

const [batchArg, file] = process.argv.slice(2);
const batchSize = Number(batchArg);
const pool = new Piscina({
  filename: new URL('./piscina-worker.mjs', import.meta.url).href,
  minThreads: 2,
  maxThreads: 2,
});
const pending = [];
let out = [];

async function drainHead() {
  const result = await pending.shift();
  if (Array.isArray(result)) out.push(...result);
  else out.push(result);
  if (out.length >= 1000) {
    process.stdout.write(out.join('\n') + '\n');
    out = [];
  }
}

let batch = [];
for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
  if (batchSize === 1) pending.push(pool.run(line));
  else {
    batch.push(line);
    if (batch.length < batchSize) continue;
    pending.push(pool.run(batch));
    batch = [];
  }
  if (pending.length >= 1024) await drainHead();
}
if (batch.length > 0) pending.push(pool.run(batch));
while (pending.length > 0) await drainHead();
if (out.length > 0) process.stdout.write(out.join('\n') + '\n');
await pool.destroy();
