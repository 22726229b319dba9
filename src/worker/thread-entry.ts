import { parentPort } from 'node:worker_threads';
import type { ToWorker } from '../runtime/protocol.js';
import { runWorkerLoop } from './worker-loop.js';

process.setSourceMapsEnabled(true);
const port = parentPort!;
runWorkerLoop({
  post: (message) => port.postMessage(message),
  onMessage: (handler) => port.on('message', (message: ToWorker) => handler(message)),
  exit: (code) => process.exit(code),
});
