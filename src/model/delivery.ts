import type { Origin } from './batch.js';
import type { Failure, FailureCode } from './failure.js';

/** What the pipeline hands its consumer, in output order; `count` inputs are settled by it. */
export type Delivery =
  | { type: 'text'; first: number; count: number; text: string }
  /** `bytes`: about what the values hold (value-size.ts), for the read-ahead window. */
  | { type: 'values'; first: number; count: number; values: unknown[]; inputs: unknown[] | undefined; bytes: number }
  | { type: 'failure'; first: number; count: 1; failure: FinalFailure }
  /** Inputs that did not run: the run was halted or interrupted, or a joblog shows them done. */
  | { type: 'skipped'; first: number; count: number }
  /**
   * How the inputs of the deliveries just before it settled (--joblog): it comes after their
   * output, so that a consumer can log them only once that output is written.
   */
  | { type: 'records'; first: number; count: 0; records: JobRecord[] }
  /** Output too big to hold as text (a shell command's), streamed to stdout in its turn. */
  | { type: 'file'; first: number; count: number; file: OutputFile }
  /** What the input at `first` wrote on stderr, for stderr right after its output (ItemStderr). */
  | { type: 'stderr'; first: number; count: 0; text: string };

/**
 * Bytes of output in an open file that no name leads to any more: nothing but this descriptor
 * keeps them, so however prun ends (even SIGKILL) they are freed, and what a job's leftover
 * background process writes after `bytes` is never read.
 */
export interface OutputFile {
  readonly fd: number;
  readonly bytes: number;
  /** What each of its lines starts with (--tag), in bytes. */
  readonly tag: string | undefined;
  /** Frees the file; once is enough, more is harmless. Whoever drops the delivery calls it. */
  close(): void;
}

/** Bytes of output a delivery holds until it is written: what the pipeline's window bounds. */
export function heldBytes(delivery: Delivery): number {
  if (delivery.type === 'text' || delivery.type === 'stderr') return delivery.text.length;
  if (delivery.type === 'file') return delivery.file.bytes;
  if (delivery.type === 'values') return delivery.bytes;
  return 0;
}

/** A delivery that will never be written lets go of what it holds. */
export function discard(delivery: Delivery): void {
  if (delivery.type === 'file') delivery.file.close();
}

/** An input that failed for good. */
export interface FinalFailure {
  index: number;
  input: string;
  origin: Origin | undefined;
  attempts: number;
  error: Failure;
  /**
   * How long its last try ran, when no run reports it with this failure: a retry the run
   * stopped before it started ends with its try before, measured then.
   */
  durationMs?: number;
  /** When that try ended (epoch ms), when known and earlier than its report. */
  endedAt?: number;
}

/** One settled input, for a job log. */
export interface JobRecord {
  index: number;
  input: string;
  ok: boolean;
  /** 0 for success; a command's exit status; 1 for any other failure. */
  status: number;
  attempts: number;
  /** Of its last try. */
  durationMs: number | undefined;
  /**
   * When its last try ended, as prun learnt of it (epoch ms): a row is written only after its
   * result, which may wait for the inputs before it, so the time of writing says nothing of
   * when the input ran (GNU parallel's Starttime is this less the duration).
   */
  endedAt: number;
  error: string | undefined;
  /** Why it failed, when it did (GNU parallel's joblog tells a timeout by its Exitval). */
  code?: FailureCode;
  /** The signal that ended it, when one did (`SIGKILL`). */
  signal?: string;
}
