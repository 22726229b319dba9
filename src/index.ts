// Our types name Node's (streams, NodeJS.Signals): a project's compiler loads them through this
// line, since TypeScript 6 no longer loads every @types package by itself (was: TS2591
// 'node:stream' and TS2503 'NodeJS' under a strict tsc 7 in a new project). `preserve` keeps it in
// the emitted index.d.ts.
/// <reference types="node" preserve="true" />
export { map, type MapOptions, type Outcome } from './api/map.js';
export { exec, type ExecOutcome, type ExecRunOptions } from './api/exec.js';
export { throttled, ThrottledError, type ThrottledResponse } from './api/throttled.js';
export type { RunOptions } from './api/options.js';
export type { JournalHooks, RunningWork } from './api/running.js';
export { startRun, type RunningMap, type StartRunOptions } from './api/start-run.js';
export { startExec, type ExecOptions, type RunningExec, type StartExecOptions } from './api/start-exec.js';
export type { Delivery, FinalFailure, OutputFile } from './model/delivery.js';
export type { FailureCode, TaskError } from './model/failure.js';
export { PrunError, type PrunErrorCode } from './errors.js';
export { fileLineSource, stdinLineSource } from './io/line-source.js';
export { itemSource } from './io/item-source.js';
export { concatSources, type InputSource, type Slice } from './io/input-source.js';
export { ProgressTracker, type ProgressSnapshot } from './progress/tracker.js';
export type { Task, TaskContext } from './worker/user-module.js';
