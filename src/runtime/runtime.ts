import { startProcessWorker } from './process-runtime.js';
import { startThreadWorker } from './thread-runtime.js';
import type { RuntimeKind, RuntimeOptions, RuntimeWorker } from './types.js';

export type { RuntimeKind, RuntimeOptions, RuntimeWorker, WorkerExit } from './types.js';

/** The one place that chooses a runtime. */
export function startWorker(kind: RuntimeKind, options: RuntimeOptions): RuntimeWorker {
  return kind === 'thread' ? startThreadWorker(options) : startProcessWorker(options);
}
