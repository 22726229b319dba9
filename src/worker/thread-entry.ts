import { parentPort } from 'node:worker_threads';
import { isToWorker } from '../runtime/protocol.js';
import { runWorkerLoop } from './worker-loop.js';

process.setSourceMapsEnabled(true);
const port = parentPort!;
runWorkerLoop({
  // the user's function shares this port (it may post on it too): ours carry the brand
  post: (message) => port.postMessage(message),
  // a message posted is delivered even if the thread then exits
  postOut: (message) => port.postMessage(message),
  onMessage: (handler) => port.on('message', (message: unknown) => isToWorker(message) && handler(message)),
  exit: (code) => process.exit(code),
});
