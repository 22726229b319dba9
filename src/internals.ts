// The engine's parts, built for prun's own tests (test/engine/executor-conformance.test.ts):
// executors with real workers must run from dist/, where the workers' entry files are. Not
// part of the package's interface: package.json exports only lib/index.js.
export { DryRunExecutor } from './commands/dry-run-executor.js';
export { ShellExecutor } from './commands/shell-executor.js';
export { runPipeline } from './engine/pipeline.js';
export { itemSource } from './io/item-source.js';
export { Pool } from './pool/pool.js';
export { ProgressTracker } from './progress/tracker.js';
export { compileScript } from './script/compile-script.js';
export { ProducerQueue } from './queue/bullmq.js';
export { shellLanes } from './queue/executors.js';
export { QueueExecutor } from './queue/queue-executor.js';
export { RunPool } from './queue/run-pool.js';
export { WIRE } from './queue/wire.js';
