import type { ErrorData } from '../runtime/error-data.js';
import type { Origin } from './batch.js';

/** What the pipeline hands its consumer, in output order; `count` inputs are settled by it. */
export type Delivery =
  | { type: 'text'; first: number; count: number; text: string }
  | { type: 'values'; first: number; count: number; values: unknown[]; inputs: string[] | undefined }
  | { type: 'failure'; first: number; count: 1; failure: FinalFailure };

/** An input that failed for good. */
export interface FinalFailure {
  index: number;
  input: string;
  origin: Origin | undefined;
  attempts: number;
  error: ErrorData;
}
