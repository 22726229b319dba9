import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { forgetGroup, watchGroup } from './group-lifeline.js';
import { addStoppable } from './stoppable-children.js';
import { relayLines } from './line-relay.js';
import { endGroup, signalGroup } from './process-group.js';
import { markedEnvironment, newWorkerMark } from './owner-mark.js';
import { descendantsOf, endProcesses, processesMarked } from './process-tree.js';
import { isFromWorker } from './protocol.js';
import { StderrRelay } from './stderr-relay.js';
import { type ErrorData, outOfMemory, workerCrashed, workerExited, workerSignalled } from '../model/failure.js';
import type { RuntimeOptions, RuntimeWorker } from './types.js';
import { forkedWorkerFlags } from './heap-settings.js';

/** How long a dead worker's pipes must be quiet before a process that escaped it is taken to hold them. */
const OUTPUT_QUIET_MS = 200;
/** How long a dead worker's IPC channel may stay open before its exit is reported all the same. */
const CHANNEL_GRACE_MS = 5000;
/** How long a worker's group may take to end after SIGTERM before it is sent SIGKILL. */
const KILL_GRACE_MS = 1000;

const entry = fileURLToPath(new URL('../worker/process-entry.js', import.meta.url));

export function startProcessWorker(options: RuntimeOptions): RuntimeWorker {
  const mark = newWorkerMark();
  const child = fork(entry, [], {
    // what it starts carries its mark, found after the worker is gone (owner-mark.ts)
    env: markedEnvironment(mark),
    // the child's stdout goes to our stderr: what the user's function prints never reaches our
    // stdout. Both pass through us, so that a progress bar can keep them above itself, and
    // so that V8's last words on running out of memory are seen.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
    // not the parent's flags: prun's own flags are not the user's
    execArgv: [...forkedWorkerFlags(options.concurrency), ...(options.memoryLimitMb === undefined ? [] : [`--max-old-space-size=${options.memoryLimitMb}`])],
    // its own process group, so that one kill(-pid) ends it with everything it started; this
    // also keeps a terminal's Ctrl-C from reaching it: prun decides when workers end
    detached: true,
  });
  const pid = child.pid;
  // before it is sent anything, so that none of the user's code runs unwatched
  if (pid !== undefined) watchGroup(pid);
  // stopped and continued with prun (Ctrl-Z), until its leader is gone
  // (its lifeline watcher is in a group of its own, and still ends it if prun is killed then)
  const forgetStoppable = pid === undefined ? () => {} : addStoppable({ stop: () => signalGroup(pid, 'SIGSTOP'), resume: () => signalGroup(pid, 'SIGCONT') });
  let killed = false;
  let ending: Promise<void> | undefined;
  let strays: Promise<void> = Promise.resolve();
  /**
   * Ends the worker's whole group, SIGTERM then SIGKILL, and then what carries its mark: what
   * left the group and was not reached through its tree (the worker died first: out of memory,
   * busy in a loop when prun was killed; was: left running under init). Once only, and never
   * after the group is forgotten.
   */
  const endItsGroup = (): Promise<void> => {
    ending ??=
      pid === undefined
        ? Promise.resolve()
        : Promise.all([endGroup(pid, KILL_GRACE_MS), strays])
            .then(() => forgetGroup(pid))
            .then(() => endProcesses(processesMarked(mark), KILL_GRACE_MS));
    return ending;
  };
  // what the worker started goes with it, whyever it ended
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('exit', (code, signal) => {
      forgetStoppable();
      resolve([code, signal]);
    }),
  );
  const groupEnded = exited.then(endItsGroup);
  let spawnError: Error | undefined;
  const toStderr = (text: string) => void process.stderr.write(text);
  const relay = new StderrRelay(toStderr);
  let lastOutput = 0;
  const noteOutput = (): void => {
    lastOutput = performance.now();
  };
  // a fork that failed (EMFILE under a low `ulimit -n`) has no streams: its 'error' says why
  // (was: a TypeError's stack trace, exit 1)
  if (child.stderr) {
    relayLines(child.stderr, (text) => relay.push(text));
    child.stderr.on('data', noteOutput);
  }
  if (child.stdout) {
    relayLines(child.stdout, toStderr);
    child.stdout.on('data', noteOutput);
  }
  child.on('error', (error) => {
    // a child that started has errors too (EPIPE: a message sent as it died): not a failure to start
    if (pid === undefined) spawnError = error;
  });
  /** Why the worker is dying, when it said so (an exception nothing caught). */
  let crash: ErrorData | undefined;
  return {
    kind: 'process',
    send: (message) => {
      if (child.connected) child.send(message);
    },
    onMessage: (handler) =>
      child.on('message', (message: unknown) => {
        // the user's own process.send() carries no brand; a crash is this runtime's to name
        if (!isFromWorker(message)) return;
        if (message.type === 'crashed') crash = message.error;
        else handler(message);
      }),
    onExit: (handler) => {
      let reported = false;
      const report = (code: number | null, signal: NodeJS.Signals | null) => {
        if (reported) return;
        reported = true;
        relay.end();
        const crashed = !spawnError && !relay.outOfMemory && !killed && crash !== undefined && code !== null;
        const failure = spawnError
          ? workerCrashed(`worker could not start: ${spawnError.message}`)
          : relay.outOfMemory
            ? outOfMemory()
            : killed
              ? workerSignalled(signal ?? 'SIGTERM', 'worker ended by prun')
              : crashed
                ? workerCrashed(`worker crashed: ${crash!.message}`, code!)
                : workerExited(code, signal);
        handler({ code, signal, failure, crashed });
      };
      // 'close' waits for the last of its output (V8's words come just before it dies), but a
      // process that escaped its group could hold the pipes open: then the exit is enough,
      // once the pipes have been quiet a while (what is left of a long line is still coming)
      const streamsDone = new Promise<void>((resolve) => {
        child.once('close', () => resolve());
        const resolveWhenQuiet = (): void => {
          const quietFor = performance.now() - lastOutput;
          if (quietFor >= OUTPUT_QUIET_MS) resolve();
          else setTimeout(resolveWhenQuiet, OUTPUT_QUIET_MS - quietFor).unref();
        };
        void exited.then(resolveWhenQuiet);
      });
      // every message it sent is handled before its exit is: 'exit' may come while some are
      // still in the channel (a busy main thread, --unordered), and a report heard after the
      // pool had counted its batch lost ended prun ('a worker reported batch 27, which it does
      // not hold', with a stack, most inputs unsaid). The channel's end comes after its last message
      const channelDone = new Promise<void>((resolve) => {
        if (!child.connected) resolve();
        else child.once('disconnect', () => resolve());
        // a channel some process that escaped the worker still holds: not for ever
        void exited.then(() => setTimeout(resolve, CHANNEL_GRACE_MS).unref());
      });
      // reported once its group is gone too, so that nothing outlives a pool that has closed
      void Promise.all([exited, groupEnded, streamsDone, channelDone]).then(([[code, signal]]) => report(code, signal));
      // a worker that never started has no exit: its close says how it ended
      child.once('close', (code, signal) => {
        if (pid === undefined) report(code, signal);
      });
    },
    kill: () => {
      if (ending) return;
      killed = true;
      // read while the worker lives: what left its group (a browser started detached, as
      // Puppeteer starts Chrome) is reached only through its tree (process-entry.ts does the
      // same when the worker ends on its own)
      if (pid !== undefined) strays = endProcesses(descendantsOf(pid), KILL_GRACE_MS);
      void endItsGroup();
    },
  };
}
