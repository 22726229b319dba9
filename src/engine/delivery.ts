import type { ErrorData } from '../runtime/error-data.js';
import type { Origin } from './batch.js';

/** What the pipeline hands its consumer, in output order; `count` inputs are settled by it. */
export type Delivery =
  | { type: 'text'; first: number; count: number; text: string }
  | { type: 'values'; first: number; count: number; values: unknown[]; inputs: string[] | undefined }
  | { type: 'failure'; first: number; count: 1; failure: FinalFailure }
  /** Inputs that did not run: the run was halted or interrupted, or a joblog shows them done. */
  | { type: 'skipped'; first: number; count: number }
  /**
   * How the inputs of the deliveries just before it settled (--joblog): it comes after their
   * output, so that a consumer can log them only once that output is written.
   */
  | { type: 'records'; first: number; count: 0; records: JobRecord[] };

/** An input that failed for good. */
export interface FinalFailure {
  index: number;
  input: string;
  origin: Origin | undefined;
  attempts: number;
  error: ErrorData;
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
  error: string | undefined;
}
