import { Worker } from 'node:worker_threads';
import { relayLines } from './line-relay.js';
import { isFromWorker } from './protocol.js';
import { describeExit, type RuntimeOptions, type RuntimeWorker, type WorkerExit } from './runtime.js';
import { WORKER_SEMI_SPACE_MB } from './young-generation.js';

const entry = new URL('../worker/thread-entry.js', import.meta.url);
/** V8's young generation is two semi-spaces and a space for large new objects, each this size. */
const YOUNG_GENERATION_MB = 3 * WORKER_SEMI_SPACE_MB;

export function startThreadWorker(options: RuntimeOptions): RuntimeWorker {
  const worker = new Worker(entry, {
    // console output of the user's function must never reach our stdout: both of the
    // worker's streams go to our stderr, a whole line at a time
    stdout: true,
    stderr: true,
    resourceLimits: {
      maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
      ...(options.memoryLimitMb === undefined ? {} : { maxOldGenerationSizeMb: options.memoryLimitMb }),
    },
  });
  const toStderr = (text: string) => void process.stderr.write(text);
  relayLines(worker.stdout, toStderr);
  relayLines(worker.stderr, toStderr);
  let lastError: (Error & { code?: string }) | undefined;
  worker.on('error', (error) => {
    lastError = error;
  });
  return {
    kind: 'thread',
    send: (message) => worker.postMessage(message),
    onMessage: (handler) =>
      worker.on('message', (message: unknown) => {
        if (!isFromWorker(message)) throw new Error(`prun: unknown message from a worker thread`);
        handler(message);
      }),
    onExit: (handler) =>
      worker.once('exit', (code) => {
        const exit: WorkerExit = { code, signal: null, cause: describeThreadExit(code, lastError) };
        handler(exit);
      }),
    kill: () => void worker.terminate(),
  };
}

function describeThreadExit(code: number, error: (Error & { code?: string }) | undefined): string {
  if (error?.code === 'ERR_WORKER_OUT_OF_MEMORY') return 'out of memory';
  if (error) return `worker crashed: ${error.message}`;
  return describeExit(code, null);
}
