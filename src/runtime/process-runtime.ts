import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { relayLines } from './line-relay.js';
import { isFromWorker } from './protocol.js';
import { StderrRelay } from './stderr-relay.js';
import { describeExit, type RuntimeOptions, type RuntimeWorker } from './runtime.js';

const STDERR_WAIT_MS = 200;

const entry = fileURLToPath(new URL('../worker/process-entry.js', import.meta.url));

export function startProcessWorker(options: RuntimeOptions): RuntimeWorker {
  const child = fork(entry, [], {
    // the child's stdout goes to our stderr: what the user's function prints never reaches our
    // stdout. Both pass through us, so that a progress bar can keep them above itself, and
    // so that V8's last words on running out of memory are seen.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
    // not the parent's flags: prun's own flags are not the user's
    execArgv: options.memoryLimitMb === undefined ? [] : [`--max-old-space-size=${options.memoryLimitMb}`],
  });
  let spawnError: Error | undefined;
  const toStderr = (text: string) => void process.stderr.write(text);
  const relay = new StderrRelay(toStderr);
  relayLines(child.stderr!, (text) => relay.push(text));
  relayLines(child.stdout!, toStderr);
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
    onExit: (handler) => {
      let reported = false;
      const report = (code: number | null, signal: NodeJS.Signals | null) => {
        if (reported) return;
        reported = true;
        relay.end();
        const cause = spawnError
          ? `worker could not start: ${spawnError.message}`
          : relay.outOfMemory
            ? 'out of memory'
            : describeExit(code, signal);
        handler({ code, signal, cause });
      };
      // 'close' waits for the last of its stderr (V8's words come just before it dies), but a
      // grandchild could hold stderr open: then the exit is enough
      child.once('close', report);
      child.once('exit', (code, signal) => setTimeout(() => report(code, signal), STDERR_WAIT_MS).unref());
    },
    kill: () => void child.kill('SIGKILL'),
  };
}
