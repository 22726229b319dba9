import { constants } from 'node:os';
import { exitStatus, type Failure } from '../model/failure.js';

const SIGNAL_NAMES = new Map<number, string>();
for (const [name, number] of Object.entries(constants.signals)) {
  // the first name of a number is the usual one: SIGABRT, not SIGIOT
  if (!SIGNAL_NAMES.has(number)) SIGNAL_NAMES.set(number, name);
}

/** A job's non-zero status (`$?`) as its input's failure, ERR_EXIT_STATUS (model/failure.ts). */
export function statusFailure(status: number): Failure {
  return exitStatus(status, (signal) => SIGNAL_NAMES.get(signal));
}
