import type { Failure } from '../model/failure.js';
import type { FromWorker, ToWorker } from './protocol.js';
import type { LastStart } from './start-slot.js';

// What both runtimes are, as the pool sees them. The adapters and the switch (runtime.ts) import
// this, never each other: the switch imports the adapters.

export type RuntimeKind = 'thread' | 'process';

/** How a worker ended; `failure` is what its running input failed of. */
export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  failure: Failure;
  /** An exception nothing caught ended it: the user's code threw (in a timer, say), not prun. */
  crashed: boolean;
}

/** One worker of either runtime, as the pool sees it. */
export interface RuntimeWorker {
  readonly kind: RuntimeKind;
  send(message: ToWorker): void;
  onMessage(handler: (message: FromWorker) => void): void;
  /** Called once, however the worker ended. */
  onExit(handler: (exit: WorkerExit) => void): void;
  /** Ends the worker at once, without teardown. */
  kill(): void;
  /**
   * The input it last began, read once it has exited, where the runtime can know it: a thread
   * writes it to memory shared with the pool (start-slot.ts); a forked worker cannot.
   */
  lastStart?(): LastStart | undefined;
}

export interface RuntimeOptions {
  /** Heap limit of each worker, in MiB. */
  memoryLimitMb: number | undefined;
  /** Tasks each worker runs at once: how it keeps its heap (heap-settings.ts). */
  concurrency: number;
}
