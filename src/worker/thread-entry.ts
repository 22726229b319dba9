import { parentPort } from 'node:worker_threads';
import { boundBufferGrowth } from '../runtime/heap-governor.js';
import { isToWorker } from '../runtime/protocol.js';
import { keepsHeapSmall } from '../runtime/heap-settings.js';
import { runWorkerLoop } from './worker-loop.js';

process.setSourceMapsEnabled(true);
const port = parentPort!;
runWorkerLoop({
  // the user's function shares this port (it may post on it too): ours carry the brand
  post: (message) => port.postMessage(message),
  // a message posted is delivered even if the thread then exits
  postOut: (message) => port.postMessage(message),
  onMessage: (handler) => port.on('message', (message: unknown) => isToWorker(message) && handler(message)),
  configure: (config) => {
    // the ArrayBuffers a busy thread holds grew with the length of the input (runtime/heap-governor.ts).
    // The threads and the CLI are one process, so each thread gets less room than a process:
    // 3 MB. Not at once: the V8 flag it sets would cost the threads still booting Node's code
    // cache; a thread started later pays that anyway
    if (keepsHeapSmall(config.concurrency)) setTimeout(() => boundBufferGrowth(3), 1000).unref();
  },
  exit: (code) => process.exit(code),
});
