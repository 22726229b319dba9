import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isFromWorker } from './protocol.js';
import { describeExit, type RuntimeOptions, type RuntimeWorker } from './runtime.js';

const entry = fileURLToPath(new URL('../worker/process-entry.js', import.meta.url));

export function startProcessWorker(options: RuntimeOptions): RuntimeWorker {
  const child = fork(entry, [], {
    // the child's stdout is our stderr: what the user's function prints never reaches our stdout
    stdio: ['ignore', 2, 2, 'ipc'],
    serialization: 'advanced',
    // not the parent's flags: prun's own flags are not the user's
    execArgv: options.memoryLimitMb === undefined ? [] : [`--max-old-space-size=${options.memoryLimitMb}`],
  });
  let spawnError: Error | undefined;
  child.on('error', (error) => {
    spawnError = error;
  });
  return {
    kind: 'process',
    send: (message) => {
      if (child.connected) child.send(message);
    },
    onMessage: (handler) =>
      child.on('message', (message: unknown) => {
        // the user's own process.send() carries no brand
        if (isFromWorker(message)) handler(message);
      }),
    onExit: (handler) =>
      child.once('exit', (code, signal) => {
        const cause = spawnError ? `worker could not start: ${spawnError.message}` : describeExit(code, signal);
        handler({ code, signal, cause });
      }),
    kill: () => void child.kill('SIGKILL'),
  };
}
