import { relayLines } from './line-relay.js';
import { isFromWorker } from './protocol.js';
import { type Failure, outOfMemory, workerCrashed, workerExited } from '../model/failure.js';
import type { RuntimeOptions, RuntimeWorker, WorkerExit } from './types.js';
import { keepsHeapSmall } from './heap-settings.js';
import { endProcesses, processesMarked } from './process-tree.js';
import { takeThread } from './thread-spawn.js';
import { StartSlot } from './start-slot.js';
import { watchThreads } from './group-lifeline.js';

/** How long what a thread started may take to end after SIGTERM before it is sent SIGKILL. */
const KILL_GRACE_MS = 1000;

export function startThreadWorker(options: RuntimeOptions): RuntimeWorker {
  const { worker, mark } = takeThread(options.memoryLimitMb, keepsHeapSmall(options.concurrency));
  // what its tasks start is ended by its mark if prun is killed (group-lifeline.ts), until it has ended
  const unwatch = watchThreads();
  // console output of the user's function never reaches our stdout: both of the worker's
  // streams go to our stderr, a whole line at a time
  const toStderr = (text: string) => void process.stderr.write(text);
  relayLines(worker.stdout, toStderr);
  relayLines(worker.stderr, toStderr);
  let lastError: (Error & { code?: string }) | undefined;
  worker.on('error', (error) => {
    lastError = error;
  });
  const startSlot = new StartSlot();
  return {
    kind: 'thread',
    send: (message) => worker.postMessage(message.type === 'init' ? { ...message, startSlot: startSlot.buffer } : message),
    lastStart: () => startSlot.read(),
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
        // what its tasks and setup() started goes with it, found by its mark (owner-mark.ts): they
        // are children of this process, in its group, out of reach of any group of the thread's.
        // Was: left running until the CLI ended (a thread ended for --timeout), or for good (a
        // shell's background job, whose parent had died; the library; a queue worker)
        void endProcesses(processesMarked(mark), KILL_GRACE_MS).then(() => {
          unwatch();
          handler(exit);
        });
      }),
    kill: () => {
      void worker.terminate();
      // a thread that waits in spawnSync or execSync ends only once what it waits for has:
      // what it started is ended now, not at its exit (was: --timeout waited on a sleep 300)
      void endProcesses(processesMarked(mark), KILL_GRACE_MS);
    },
  };
}

function describeThreadExit(code: number, error: (Error & { code?: string }) | undefined): Failure {
  if (error?.code === 'ERR_WORKER_OUT_OF_MEMORY') return outOfMemory();
  if (error) return workerCrashed(`worker crashed: ${error.message}`, code);
  return workerExited(code, null);
}
