/** What a task receives besides its input. */
export interface TaskContext {
  /** The input's position in the whole input, from 0. */
  readonly index: number;
  /** Which try this is, from 1 (see --retries). */
  readonly attempt: number;
  /** Aborted when the task should stop: its time is up, Ctrl-C, or the run is ending (not at --halt soon: running inputs finish). */
  readonly signal: AbortSignal;
}

/**
 * The function a script exports by default. Its input is a line of text from the CLI; from the
 * library, whatever value the caller gave (anything structured clone carries).
 */
export type Task<Result = unknown, Input = string> = (input: Input, ctx: TaskContext) => Result | Promise<Result>;

/** A loaded script: its task and the optional per-worker teardown. */
export interface UserModule {
  task: Task<unknown, unknown>;
  teardown: (() => unknown) | undefined;
}
