import { relayLines } from './line-relay.js';
import { isFromWorker } from './protocol.js';
import { type Failure, outOfMemory, workerCrashed, workerExited } from '../model/failure.js';
import type { RuntimeOptions, RuntimeWorker, WorkerExit } from './types.js';
import { keepsHeapSmall } from './heap-settings.js';
import { takeThread } from './thread-spawn.js';

export function startThreadWorker(options: RuntimeOptions): RuntimeWorker {
  const worker = takeThread(options.memoryLimitMb, keepsHeapSmall(options.concurrency));
  // console output of the user's function never reaches our stdout: both of the worker's
  // streams go to our stderr, a whole line at a time
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
        // the user's function may post on parentPort as it may call process.send under
        // --procs: only the pool's branded messages are the pool's, the rest is ignored
        if (isFromWorker(message)) handler(message);
      }),
    onExit: (handler) =>
      worker.once('exit', (code) => {
        const failure = describeThreadExit(code, lastError);
        const exit: WorkerExit = { code, signal: null, failure, crashed: lastError !== undefined && failure.code !== 'ERR_OUT_OF_MEMORY' };
        handler(exit);
      }),
    kill: () => void worker.terminate(),
  };
}

function describeThreadExit(code: number, error: (Error & { code?: string }) | undefined): Failure {
  if (error?.code === 'ERR_WORKER_OUT_OF_MEMORY') return outOfMemory();
  if (error) return workerCrashed(`worker crashed: ${error.message}`, code);
  return workerExited(code, null);
}
