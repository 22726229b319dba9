// A hand-rolled pool, the floor for "what a pool can cost": W workers (threads or forks) fed batches
// of B lines, at most 4*W batches outstanding, results written in input order.
// usage: node pool.mjs thread|fork square|fibLine BATCH WORKERS FILE
import { Worker } from 'node:worker_threads';
import { fork } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const [kind, fnName, batchArg, workersArg, file] = process.argv.slice(2);
const batchSize = Number(batchArg);
const entry = new URL('./pool-worker.mjs', import.meta.url);
const window = 4 * Number(workersArg);
const idle = [];
const queue = [];
const done = new Map();
let nextId = 0;
let nextOut = 0;
let wake = () => {};

function flush() {
  let text = '';
  for (; done.has(nextOut); nextOut++) {
    text += done.get(nextOut).join('\n') + '\n';
    done.delete(nextOut);
  }
  if (text) process.stdout.write(text);
}

function dispatch() {
  while (idle.length > 0 && queue.length > 0) idle.pop().post(queue.shift());
}

for (let i = 0; i < Number(workersArg); i++) {
  const w = kind === 'thread' ? new Worker(entry, { argv: [fnName] }) : fork(entry, [fnName]);
  const slot = { w, post: kind === 'thread' ? (m) => w.postMessage(m) : (m) => w.send(m) };
  w.on('message', ({ id, out }) => {
    done.set(id, out);
    idle.push(slot);
    flush();
    dispatch();
    wake();
  });
  idle.push(slot);
}

async function submit(lines) {
  queue.push({ id: nextId++, lines });
  dispatch();
  while (nextId - nextOut > window) await new Promise((r) => (wake = r));
}

let batch = [];
for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
  batch.push(line);
  if (batch.length === batchSize) {
    await submit(batch);
    batch = [];
  }
}
if (batch.length > 0) await submit(batch);
while (nextOut < nextId) await new Promise((r) => (wake = r));
for (const slot of idle) slot.post('stop');
