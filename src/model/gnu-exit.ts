import { constants } from 'node:os';
import type { FailureCode } from './failure.js';

/** How a job ended, as GNU parallel's Exitval and Signal columns say it. */
export interface GnuExit {
  exitval: number;
  /** The signal's number, 0 for none. */
  signal: number;
}

/**
 * GNU parallel's Exitval and Signal for a job that ended with `status` (0 on success), the
 * failure `code` and the `signal` that ended it: one rule for the joblog and --results FILE.csv.
 * A job ended for --timeout is Exitval -1, Signal 15 there (it sends SIGTERM first).
 */
export function gnuExit(status: number, code: FailureCode | undefined, signal: string | undefined): GnuExit {
  if (code === 'ERR_TIMEOUT') return { exitval: -1, signal: constants.signals.SIGTERM };
  const number = signal === undefined ? 0 : (constants.signals as Record<string, number>)[signal] ?? 0;
  return { exitval: number ? 0 : status, signal: number };
}
