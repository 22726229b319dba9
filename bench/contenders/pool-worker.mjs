// Worker side of pool.mjs, for both worker_threads and child_process.fork: a batch of lines in, a batch out.
import { parentPort } from 'node:worker_threads';
import { fns } from './fns.mjs';

const fn = fns[process.argv[2]];
const port = parentPort ?? process;
const send = parentPort ? (m) => parentPort.postMessage(m) : (m) => process.send(m);
port.on('message', (msg) => {
  if (msg === 'stop') return parentPort ? parentPort.close() : process.disconnect();
  send({ id: msg.id, out: msg.lines.map(fn) });
});
