import { isToWorker } from '../runtime/protocol.js';
import { keepYoungGenerationSmall } from '../runtime/young-generation.js';
import { runWorkerLoop } from './worker-loop.js';

process.setSourceMapsEnabled(true);
keepYoungGenerationSmall();
// a worker whose pool is gone has nobody to report to: never outlive the parent
process.on('disconnect', () => process.exit(0));
// Ctrl-C, Ctrl-\ and a hang-up reach the whole process group; the pool, not the terminal,
// decides when workers end
for (const signal of ['SIGINT', 'SIGQUIT', 'SIGHUP'] as const) process.on(signal, () => {});
runWorkerLoop({
  post: (message) => process.send!(message),
  // a message without the brand is the user's own IPC, not ours
  onMessage: (handler) => process.on('message', (message) => isToWorker(message) && handler(message)),
  exit: (code) => process.exit(code),
});
