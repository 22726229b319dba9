import { PrunError } from '../errors.js';
import { describeSystemError } from './system-error.js';

/**
 * A file prun is to write (`--joblog f`, `--failed-out f`, `--results f.csv`) that cannot be
 * opened or made ready for writing, before any input ran: `cannot write --joblog f: permission
 * denied`, ERR_INPUT. `error` is the system call's, or one worded as it would be.
 */
export function cannotWrite(what: string, error: unknown): PrunError {
  return new PrunError('ERR_INPUT', `cannot write ${what}: ${describeSystemError(error as NodeJS.ErrnoException)}`);
}
